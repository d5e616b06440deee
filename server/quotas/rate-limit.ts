import { connected, getRedis, redisKey, redisUnavailable } from "../redis";

/**
 * Fixed one-minute windows in Redis: INCR a counter named for the current minute, which
 * expires with it. Shared by every web process, so the limit holds across replicas.
 */
const windowKey = (subject: string, minute: number) => redisKey("rate", subject, String(minute));

export interface RateDecision {
  allowed: boolean;
  count: number;
  limit: number;
  /** Seconds until the window resets: the Retry-After of a 429. */
  retryAfterS: number;
}

export async function hit(subject: string, limit: number, now = Date.now()): Promise<RateDecision> {
  const minute = Math.floor(now / 60_000);
  let count: number;
  try {
    const redis = await connected(getRedis());
    [[, count]] = (await redis.multi().incr(windowKey(subject, minute)).expire(windowKey(subject, minute), 120).exec()) as [
      [Error | null, number],
    ];
  } catch (error) {
    // No counter, no decision: refuse with a 503 the caller can retry, before anything is written.
    throw redisUnavailable(error);
  }
  const retryAfterS = Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
  return { allowed: count <= limit, count, limit, retryAfterS };
}

export async function currentMinuteCount(subject: string, now = Date.now()): Promise<number> {
  const redis = await connected(getRedis());
  return Number((await redis.get(windowKey(subject, Math.floor(now / 60_000)))) ?? 0);
}
