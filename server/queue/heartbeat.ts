import type { Redis } from "ioredis";
import { connected, redisKey } from "../redis";
import type { WorkerProgress } from "./progress";

/**
 * Workers announce themselves in one sorted set (member: worker id, score: time of the
 * last beat), so health reads the freshest beat with one command and dead workers age out.
 */
const workersKey = () => redisKey("workers");

// Each worker's job counts (progress.ts) sit beside its beat, kept no longer than an hour.
const progressKey = (workerId: string) => redisKey(`workers:progress:${workerId}`);

export async function beat(redis: Redis, workerId: string, now = Date.now(), progress?: WorkerProgress): Promise<void> {
  const multi = redis
    .multi()
    .zadd(workersKey(), now, workerId)
    // Forget workers silent for an hour so the set stays small.
    .zremrangebyscore(workersKey(), 0, now - 3_600_000);
  if (progress) multi.set(progressKey(workerId), JSON.stringify(progress), "PX", 3_600_000);
  await multi.exec();
}

export async function forget(redis: Redis, workerId: string): Promise<void> {
  await redis.multi().zrem(workersKey(), workerId).del(progressKey(workerId)).exec();
}

/** The job counts of each worker that beat within `freshWithinMs`, by worker id. */
export async function readProgress(redis: Redis, freshWithinMs: number, now = Date.now()): Promise<Map<string, WorkerProgress>> {
  const ids = await redis.zrangebyscore(workersKey(), String(now - freshWithinMs), "+inf");
  const found = new Map<string, WorkerProgress>();
  if (ids.length === 0) return found;
  const values = await redis.mget(ids.map(progressKey));
  ids.forEach((id, i) => {
    if (values[i]) found.set(id, JSON.parse(values[i]) as WorkerProgress);
  });
  return found;
}

export interface WorkerPresence {
  /** Milliseconds since the freshest beat, or null when no worker ever beat. */
  lastBeatAgeMs: number | null;
  workers: number;
}

export async function readPresence(redis: Redis, freshWithinMs: number, now = Date.now()): Promise<WorkerPresence> {
  const [latest, fresh] = await Promise.all([
    redis.zrange(workersKey(), "-1", "-1", "WITHSCORES"),
    redis.zcount(workersKey(), String(now - freshWithinMs), "+inf"),
  ]);
  const score = latest[1];
  return { lastBeatAgeMs: score === undefined ? null : Math.max(0, now - Number(score)), workers: fresh };
}

export function startHeartbeat(
  redis: Redis,
  workerId: string,
  intervalMs: number,
  onError: (e: Error) => void,
  progress?: () => WorkerProgress,
) {
  const tick = () =>
    connected(redis, intervalMs)
      .then(() => beat(redis, workerId, Date.now(), progress?.()))
      .catch(onError);
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await forget(redis, workerId).catch(() => {});
    },
  };
}
