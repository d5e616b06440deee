import { z } from "zod";
import { getConfig } from "../config/load";
import { getDb } from "../db/client";
import type { ProcessState } from "../platform/supervised";
import { getSupervisorReport } from "../platform/supervisor-report";
import { readPresence, readProgress, type WorkerPresence } from "../queue/heartbeat";
import { stuckQueues, type StuckQueue, type WorkerProgress } from "../queue/progress";
import { connected, getRedis } from "../redis";
import { version } from "../version";

/** ok: working; degraded: working, with a fault that is being healed; fail: not working. */
const statusSchema = z.enum(["ok", "degraded", "fail"]);
const checkSchema = z.object({
  status: statusSchema,
  latencyMs: z.number(),
  message: z.string().optional(),
});
const workerCheckSchema = checkSchema.extend({
  lastBeatAgeMs: z.number().nullable(),
  workers: z.number(),
  /** Summed over the fresh workers and their queues: are jobs getting done? */
  jobs: z.object({
    started: z.number(),
    finished: z.number(),
    running: z.number(),
    /** Age of the oldest running job, or null when none runs. */
    oldestRunningMs: z.number().nullable(),
  }),
  /** Restarts of this machine's worker by `caxton serve` since it started (absent without one). */
  restarts: z.number().optional(),
});

/** The answer of GET /api/health and the system.health procedure. */
export const healthSchema = z.object({
  status: statusSchema,
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
  const config = getConfig();
  const staleAfterMs = config.heartbeatIntervalMs * 3;
  const [database, redis, presence, progress] = await Promise.all([
    timed("database", () => getDb().$queryRaw`SELECT 1`),
    timed("redis", async () => (await connected(getRedis())).ping()),
    timed("worker heartbeat", async () => readPresence(await connected(getRedis()), staleAfterMs)),
    timed("worker progress", async () => readProgress(await connected(getRedis()), staleAfterMs)),
  ]);
  const worker = workerCheck(presence, progress.value ?? new Map(), staleAfterMs, config.workerStuckMs);
  const checks = { database: withServiceNote(database.check, "postgres"), redis: withServiceNote(redis.check, "redis"), worker };
  const statuses = Object.values(checks).map((c) => c.status);
  const status = statuses.includes("fail") ? "fail" : statuses.includes("degraded") ? "degraded" : "ok";
  return { status, version, uptimeS: Math.round(process.uptime()), checks };
}

function workerCheck(
  presence: { check: Check; value?: WorkerPresence },
  progress: Map<string, WorkerProgress>,
  staleAfterMs: number,
  stuckAfterMs: number,
  now = Date.now(),
): WorkerCheck {
  const jobs = { started: 0, finished: 0, running: 0, oldestRunningMs: null as number | null };
  const stuck: StuckQueue[] = [];
  for (const [workerId, p] of progress) {
    for (const q of Object.values(p.queues)) {
      jobs.started += q.started;
      jobs.finished += q.finished;
      jobs.running += q.running;
      if (q.oldestStartedAt !== null) jobs.oldestRunningMs = Math.max(jobs.oldestRunningMs ?? 0, now - q.oldestStartedAt);
    }
    stuck.push(...stuckQueues(workerId, p, stuckAfterMs, now));
  }
  const supervised = getSupervisorReport()?.processes.find((p) => p.name === "worker");
  const base = { ...presence.check, lastBeatAgeMs: null, workers: 0, jobs, ...(supervised ? { restarts: supervised.restarts } : {}) };
  const p = presence.value;
  if (!p) return { ...base, status: "fail" };
  if (p.lastBeatAgeMs === null || p.lastBeatAgeMs > staleAfterMs) {
    const message =
      p.lastBeatAgeMs === null
        ? "no worker has reported yet: start one with `npm start` or `node dist/worker.mjs`"
        : `no worker heartbeat for ${Math.round(p.lastBeatAgeMs / 1000)} s`;
    return { ...base, ...p, status: "fail", message: restartNote(supervised, message) };
  }
  // A queue stuck in every worker that serves it gets nothing done anywhere: that is a failure.
  const stuckEverywhere = [...new Set(stuck.map((s) => s.queue))].filter(
    (queue) => stuck.filter((s) => s.queue === queue).length === [...progress.values()].filter((w) => w.queues[queue]).length,
  );
  if (stuck.length > 0) {
    const s = stuck[0]!;
    const message =
      `${stuck.length === 1 ? "a worker's" : `${stuck.length} workers'`} ${s.queue} queue: all ${s.slots} slots busy with the same jobs for ` +
      `${Math.round(s.busyForMs / 1000)} s (oldest running ${Math.round(s.oldestRunningMs / 1000)} s; CAXTON_WORKER_STUCK_MS is ${stuckAfterMs}). ` +
      "Its log says which jobs; restarting that worker frees the slots (the jobs run again).";
    return { ...base, ...p, status: stuckEverywhere.length > 0 ? "fail" : "degraded", message };
  }
  if (supervised && supervised.status !== "running" && supervised.status !== "stopped") {
    return { ...base, ...p, status: "degraded", message: restartNote(supervised, "the worker is being restarted") };
  }
  return { ...base, ...p };
}

/** A failing check of an embedded service that the supervisor is restarting says so. */
function withServiceNote(check: Check, service: "postgres" | "redis"): Check {
  const state = getSupervisorReport()?.processes.find((p) => p.name === service);
  if (check.status === "ok" || !state?.lastExit || state.status === "running") return check;
  return {
    ...check,
    message: `${check.message ?? "unreachable"}: the embedded ${service} ${state.lastExit.reason} at ${state.lastExit.at} and is being restarted`,
  };
}

/** Why the supervisor's worker is down and when it comes back, for a health message. */
function restartNote(supervised: ProcessState | undefined, fallback: string): string {
  if (!supervised?.lastExit || supervised.status === "running") return fallback;
  const when = supervised.nextStartAt
    ? `; next start ${supervised.status === "starting" ? "under way" : `in ${Math.max(0, Math.round((Date.parse(supervised.nextStartAt) - Date.now()) / 1000))} s`}`
    : "";
  const pace = supervised.throttled ? " (it keeps dying: restarts are paced, see the supervisor's log)" : "";
  return `the worker ${supervised.lastExit.reason} at ${supervised.lastExit.at} and is being restarted${when}${pace}`;
}
