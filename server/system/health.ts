import { z } from "zod";
import { getConfig } from "../config/load";
import { getDb } from "../db/client";
import { readPresence } from "../queue/heartbeat";
import { connected, getRedis } from "../redis";
import { version } from "../version";

const checkSchema = z.object({
  status: z.enum(["ok", "fail"]),
  latencyMs: z.number(),
  message: z.string().optional(),
});
const workerCheckSchema = checkSchema.extend({
  lastBeatAgeMs: z.number().nullable(),
  workers: z.number(),
});

/** The answer of GET /api/health and the system.health procedure. */
export const healthSchema = z.object({
  status: z.enum(["ok", "fail"]),
  version: z.string(),
  uptimeS: z.number(),
  checks: z.object({ database: checkSchema, redis: checkSchema, worker: workerCheckSchema }),
});

export type Check = z.infer<typeof checkSchema>;
export type WorkerCheck = z.infer<typeof workerCheckSchema>;
export type Health = z.infer<typeof healthSchema>;

/** Each check gets this long; together they run in parallel, well inside the 2 s budget. */
const CHECK_TIMEOUT_MS = 1_500;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref(),
    ),
  ]);
}

async function timed<T>(what: string, work: () => Promise<T>): Promise<{ check: Check; value?: T }> {
  const start = performance.now();
  try {
    const value = await withTimeout(work(), what);
    return { check: { status: "ok", latencyMs: Math.round(performance.now() - start) }, value };
  } catch (error) {
    return {
      check: { status: "fail", latencyMs: Math.round(performance.now() - start), message: (error as Error).message },
    };
  }
}

export async function checkHealth(): Promise<Health> {
  const staleAfterMs = getConfig().heartbeatIntervalMs * 3;
  const [database, redis, presence] = await Promise.all([
    timed("database", () => getDb().$queryRaw`SELECT 1`),
    timed("redis", async () => (await connected(getRedis())).ping()),
    timed("worker heartbeat", async () => readPresence(await connected(getRedis()), staleAfterMs)),
  ]);

  let worker: WorkerCheck;
  const p = presence.value;
  if (!p) {
    worker = { ...presence.check, status: "fail", lastBeatAgeMs: null, workers: 0 };
  } else if (p.lastBeatAgeMs === null || p.lastBeatAgeMs > staleAfterMs) {
    worker = {
      ...presence.check,
      status: "fail",
      ...p,
      message:
        p.lastBeatAgeMs === null
          ? "no worker has reported yet: start one with `npm start` or `node dist/worker.js`"
          : `no worker heartbeat for ${Math.round(p.lastBeatAgeMs / 1000)} s`,
    };
  } else {
    worker = { ...presence.check, ...p };
  }

  const checks = { database: database.check, redis: redis.check, worker };
  const status = Object.values(checks).every((c) => c.status === "ok") ? "ok" : "fail";
  return { status, version, uptimeS: Math.round(process.uptime()), checks };
}
