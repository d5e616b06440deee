import { checkHealth } from "@/server/system/health";

export const dynamic = "force-dynamic";

/**
 * Liveness and readiness in one: 200 for "ok" and for "degraded" (this node still accepts
 * and stores work while a fault heals, e.g. its worker restarting: a load balancer must not
 * drop it for that), 503 for "fail", naming what failed (a dependency down, no worker, or
 * no job getting done). Monitors that want to hear about "degraded" read the body's status.
 */
export async function GET() {
  const health = await checkHealth();
  return Response.json(health, {
    status: health.status === "fail" ? 503 : 200,
    headers: { "Cache-Control": "no-store" },
  });
}
