import { actorForSession } from "@/server/auth/actor";
import { currentUserId } from "@/server/auth/next-auth";
import { auditFilterSchema, exportAudit } from "@/server/audit/audit";
import { AppError } from "@/server/lib/errors";
import { jsonLinesResponse } from "@/server/lib/json-lines";

export const dynamic = "force-dynamic";

/** The dashboard's "Export JSON Lines": the same export as the REST route, for a session. */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const userId = await currentUserId();
  if (!userId) return Response.json({ error: { code: "unauthorized", message: "Sign in first." } }, { status: 401 });
  try {
    const actor = await actorForSession(userId, slug);
    const filter = auditFilterSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!filter.success) {
      return Response.json({ error: { code: "validation_failed", message: filter.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") } }, { status: 400 });
    }
    return await jsonLinesResponse(exportAudit(actor, filter.data), `${slug}-audit.jsonl`);
  } catch (error) {
    if (error instanceof AppError) return Response.json({ error: error.toBody() }, { status: error.status });
    throw error;
  }
}
