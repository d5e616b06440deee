import { actorForSession } from "@/server/auth/actor";
import { currentUserId } from "@/server/auth/next-auth";
import { auditFilterSchema, exportAudit } from "@/server/audit/audit";
import { AppError, errorResponse } from "@/server/lib/errors";
import { jsonLinesResponse } from "@/server/lib/json-lines";

export const dynamic = "force-dynamic";

/** The dashboard's "Export JSON Lines": the same export as the REST route, for a session. */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const userId = await currentUserId();
  if (!userId) return errorResponse(new AppError("unauthorized", "Sign in first."));
  try {
    const actor = await actorForSession(userId, slug);
    const filter = auditFilterSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!filter.success) {
      return errorResponse(
        new AppError("validation_failed", filter.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "), {
          details: filter.error.issues.map((i) => ({ path: i.path.join("."), message: i.message, code: i.code })),
          hint: "Filter by actor, action, since and until (ISO 8601).",
        }),
      );
    }
    return await jsonLinesResponse(exportAudit(actor, filter.data), `${slug}-audit.jsonl`);
  } catch (error) {
    if (error instanceof AppError) return errorResponse(error);
    throw error;
  }
}
