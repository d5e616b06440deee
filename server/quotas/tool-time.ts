import { connected, getRedis, redisKey } from "../redis";

/**
 * Tool run time per workspace per UTC day, metered in Redis (a counter per day that expires
 * after two), so every worker adds to the same figure. It counts each call's wall time
 * inside the sandbox: the CPU a call can hold, since tools run one call per instance.
 */
const dayKey = (workspaceId: string, now: number) => redisKey("tool-ms", workspaceId, new Date(now).toISOString().slice(0, 10));

export async function addToolMs(workspaceId: string, ms: number, now = Date.now()): Promise<number> {
  const key = dayKey(workspaceId, now);
  const redis = await connected(getRedis());
  const [[, total]] = (await redis
    .multi()
    .incrby(key, Math.max(0, Math.round(ms)))
    .expire(key, 2 * 24 * 3600)
    .exec()) as [[unknown, number]];
  return total;
}

export async function toolMsToday(workspaceId: string, now = Date.now()): Promise<number> {
  const redis = await connected(getRedis());
  return Number((await redis.get(dayKey(workspaceId, now))) ?? 0);
}

/** Seconds until the next UTC midnight, when the day's figure starts again. */
export const secondsUntilUtcMidnight = (now = Date.now()) => Math.ceil((86_400_000 - (now % 86_400_000)) / 1000);
