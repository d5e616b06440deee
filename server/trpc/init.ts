import { randomUUID } from "node:crypto";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { actorForSession } from "../auth/actor";
import { currentUserId } from "../auth/next-auth";
import { AppError, type ErrorCode } from "../lib/errors";
import { guardInput } from "../lib/input-guard";
import { cursorError } from "../lib/pagination";
import { createLogger } from "../observability/logger";
import { shapeRedactor } from "../secrets/redact";

const logger = createLogger("trpc");

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
  invalid_text: "BAD_REQUEST",
  too_deep: "BAD_REQUEST",
  invalid_cursor: "BAD_REQUEST",
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
  internal: "INTERNAL_SERVER_ERROR",
};

/** A procedure derived from an operation names it, so tests can hold both transports to it. */
export interface ProcedureMeta {
  operation?: string;
}

/** A cause that is neither our refusal nor a schema's: its text is JavaScript's or a library's. */
const foreignCause = (cause: unknown) =>
  cause instanceof Error && !(cause instanceof AppError) && !(cause instanceof ZodError) && !(cause instanceof TRPCError);

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    errorFormatter({ shape, error, path }) {
      const cause = error.cause;
      if (error.code === "INTERNAL_SERVER_ERROR") {
        // A bug or a broken dependency: its text (a query, a stack) stays in the log.
        const requestId = randomUUID();
        logger.error({ err: cause ?? error, requestId, path }, "tRPC call failed");
        const { stack: _stack, ...data } = shape.data;
        return {
          ...shape,
          message: "Something went wrong on our side.",
          data: { ...data, hint: `Try again; if it persists, report request ${requestId}.` },
        };
      }
      return {
        ...shape,
        // AppErrors are scrubbed when made; anything else that escaped a procedure, here. A
        // message tRPC took from a JavaScript error (JSON.parse's, on input that is not JSON)
        // is not ours to show: say what it means instead.
        message: foreignCause(cause)
          ? cause instanceof SyntaxError
            ? "The input is not valid JSON."
            : "The request is not valid."
          : shapeRedactor.text(shape.message),
        data: {
          ...shape.data,
          // The same code and hint the REST API and the CLI show.
          appCode: cause instanceof AppError ? cause.code : cause instanceof ZodError ? "validation_failed" : undefined,
          hint: cause instanceof AppError ? cause.extra.hint : undefined,
          // An invalid agent document's problems, for the editor's markers.
          problems:
            cause instanceof AppError && cause.code === "invalid_agent"
              ? (cause.extra.details as { problems?: unknown })?.problems
              : undefined,
          // An invalid tool's manifest problems (line, column) and module problems, for the upload form.
          details:
            cause instanceof AppError && cause.code === "invalid_tool"
              ? (cause.extra.details as { problems?: unknown; moduleProblems?: unknown } | undefined)
              : undefined,
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
      const cursor = cursorError(cause);
      if (cursor) throw new TRPCError({ code: "BAD_REQUEST", message: cursor.message, cause: cursor });
      throw new TRPCError({ code: "BAD_REQUEST", message: cause.issues.map((i) => i.message).join("; "), cause });
    }
  }
  return result;
});

/** The boundary check every transport shares (NUL, lone surrogates, nesting), before any input parser. */
const guardRawInput = t.middleware(async ({ getRawInput, next }) => {
  guardInput(await getRawInput(), "input");
  return next();
});

export const router = t.router;
export const publicProcedure = t.procedure.use(mapErrors).use(guardRawInput);

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
  if (typeof raw?.workspace !== "string")
    throw new TRPCError({ code: "BAD_REQUEST", message: "Which workspace? Pass `workspace` (its slug)." });
  const actor = await actorForSession(ctx.userId, raw.workspace);
  return next({ ctx: { ...ctx, actor } });
});
