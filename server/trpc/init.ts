import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { actorForSession } from "../auth/actor";
import { currentUserId } from "../auth/next-auth";
import { AppError, type ErrorCode } from "../lib/errors";
import { shapeRedactor } from "../secrets/redact";

/** Request context: who is signed in (if anyone). Workspace access is resolved per call. */
export interface Context {
  userId: string | null;
}

export async function createContext(): Promise<Context> {
  return { userId: await currentUserId() };
}

const trpcCode: Record<ErrorCode, TRPCError["code"]> = {
  bad_request: "BAD_REQUEST",
  validation_failed: "BAD_REQUEST",
  unauthorized: "UNAUTHORIZED",
  forbidden: "FORBIDDEN",
  invalid_agent: "UNPROCESSABLE_CONTENT",
  invalid_tool: "UNPROCESSABLE_CONTENT",
  not_found: "NOT_FOUND",
  conflict: "CONFLICT",
  quota_exceeded: "CONFLICT",
  rate_limited: "TOO_MANY_REQUESTS",
  payload_too_large: "PAYLOAD_TOO_LARGE",
  unsupported_media_type: "UNSUPPORTED_MEDIA_TYPE",
  method_not_allowed: "METHOD_NOT_SUPPORTED",
  unavailable: "SERVICE_UNAVAILABLE",
};

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      // AppErrors are scrubbed when made; anything else that escaped a procedure, here.
      message: shapeRedactor.text(shape.message),
      data: {
        ...shape.data,
        // The same code and hint the REST API and the CLI show.
        appCode: cause instanceof AppError ? cause.code : cause instanceof ZodError ? "validation_failed" : undefined,
        hint: cause instanceof AppError ? cause.extra.hint : undefined,
        // An invalid agent document's problems, for the editor's markers.
        problems: cause instanceof AppError && cause.code === "invalid_agent" ? (cause.extra.details as { problems?: unknown })?.problems : undefined,
        // An invalid tool's manifest problems (line, column) and module problems, for the upload form.
        details: cause instanceof AppError && cause.code === "invalid_tool" ? (cause.extra.details as { problems?: unknown; moduleProblems?: unknown } | undefined) : undefined,
        issues: cause instanceof ZodError ? cause.issues.map((i) => ({ path: i.path.join("."), message: i.message })) : undefined,
      },
    };
  },
});

/** Services throw AppError; tRPC answers with the matching code and keeps the message. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) throw new TRPCError({ code: trpcCode[cause.code], message: cause.message, cause });
    if (cause instanceof ZodError) {
      throw new TRPCError({ code: "BAD_REQUEST", message: cause.issues.map((i) => i.message).join("; "), cause });
    }
  }
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(mapErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.userId) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { userId: ctx.userId } });
});

/**
 * Procedures inside a workspace take `{ workspace: slug }` and get `ctx.actor`: the one
 * place (actorForSession) that checks membership; a workspace you are not in is NOT_FOUND.
 */
export const workspaceProcedure = protectedProcedure.use(async ({ ctx, next, getRawInput }) => {
  const raw = (await getRawInput()) as { workspace?: unknown } | undefined;
  if (typeof raw?.workspace !== "string") throw new TRPCError({ code: "BAD_REQUEST", message: "Which workspace? Pass `workspace` (its slug)." });
  const actor = await actorForSession(ctx.userId, raw.workspace);
  return next({ ctx: { ...ctx, actor } });
});
