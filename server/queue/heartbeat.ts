import type { Redis } from "ioredis";
import { connected, redisKey } from "../redis";

/**
 * Workers announce themselves in one sorted set (member: worker id, score: time of the
 * last beat), so health reads the freshest beat with one command and dead workers age out.
 */
const workersKey = () => redisKey("workers");

export async function beat(redis: Redis, workerId: string, now = Date.now()): Promise<void> {
  await redis
    .multi()
    .zadd(workersKey(), now, workerId)
    // Forget workers silent for an hour so the set stays small.
    .zremrangebyscore(workersKey(), 0, now - 3_600_000)
    .exec();
}

export async function forget(redis: Redis, workerId: string): Promise<void> {
  await redis.zrem(workersKey(), workerId);
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

export function startHeartbeat(redis: Redis, workerId: string, intervalMs: number, onError: (e: Error) => void) {
  const tick = () =>
    connected(redis, intervalMs)
      .then(() => beat(redis, workerId))
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
