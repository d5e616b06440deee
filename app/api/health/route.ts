import { checkHealth } from "@/server/system/health";

export const dynamic = "force-dynamic";

/** Liveness and readiness in one: 200 when every check passes, 503 naming what failed. */
export async function GET() {
  const health = await checkHealth();
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
