import { Redis, type RedisOptions } from "ioredis";
import { getConfig } from "./config/load";
import { AppError } from "./lib/errors";

/**
 * producer: our own commands (events, rate limits, breakers, meters); fails fast instead of
 *   queueing commands while Redis is away, so a request answers with an error rather than
 *   hanging. Auto-pipelined: the commands issued in one tick leave in one write, which
 *   matters on the message path (a delivery makes about ten).
 * queue: BullMQ producers, the same without auto-pipelining, which Bull users report losing
 *   job state with (OptimalBits/bull#2276, taskforcesh/bullmq#457).
 * worker: BullMQ workers; must retry forever (BullMQ requires maxRetriesPerRequest null).
 */
export type RedisRole = "producer" | "queue" | "worker";

const roleOptions: Record<RedisRole, RedisOptions> = {
  producer: { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, enableAutoPipelining: true },
  queue: { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 },
  worker: { maxRetriesPerRequest: null, connectTimeout: 5_000 },
};

export function createRedis(role: RedisRole, url = getConfig().redisUrl): Redis {
  if (!url) throw new Error("REDIS_URL is not set: start Caxton with `npm start` (it provides one).");
  const redis = new Redis(url, {
    ...roleOptions[role],
    connectionName: `caxton-${role}`,
    // Reconnect with a capped backoff; ioredis keeps trying while the process lives.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Connection errors surface through the commands that fail; an unhandled 'error' event
  // would otherwise crash the process while Redis restarts.
  redis.on("error", () => {});
  return redis;
}

const holder = globalThis as unknown as { __caxtonRedis?: Redis };

/** The process's shared producer connection. */
export function getRedis(): Redis {
  holder.__caxtonRedis ??= createRedis("producer");
  return holder.__caxtonRedis;
}

export async function closeRedis(): Promise<void> {
  const redis = holder.__caxtonRedis;
  holder.__caxtonRedis = undefined;
  if (redis) await quietQuit(redis);
}

/**
 * Resolves once the connection is ready. A fail-fast producer refuses commands while it is
 * still connecting, so callers that may run first (health, heartbeat) wait here, bounded.
 */
export function connected(redis: Redis, timeoutMs = 1_500): Promise<Redis> {
  if (redis.status === "ready") return Promise.resolve(redis);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      reject(new Error(`Redis is not reachable (connection ${redis.status} after ${timeoutMs} ms)`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(redis);
    };
    redis.once("ready", onReady);
  });
}

/** QUIT when connected, else drop the socket: closing must not hang while Redis is down. */
export async function quietQuit(redis: Redis): Promise<void> {
  if (redis.status === "ready") await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}

/** A Redis key in this install's namespace. */
export const redisKey = (...parts: string[]) => [getConfig().redisPrefix, ...parts].join(":");

/**
 * What a request answers while Redis is away: 503 with nothing done, so the caller knows to
 * retry (the rows in Postgres stay the record; nothing half-sent is left behind).
 */
export function redisUnavailable(cause: unknown): AppError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AppError("unavailable", `Caxton cannot reach Redis (its queue) right now, so nothing was done: ${reason}.`, {
    hint: "Retry in a few seconds (Retry-After). If it persists, check that Redis is running: GET /api/health names the failing check.",
    retryAfterS: 5,
  });
}

const connectionFailure =
  /Connection is closed|enableOfflineQueue|max retries per request|Redis is not reachable|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT/i;

/** Whether an error (or a job's failedReason) only says Redis was unreachable, not that the work failed. */
export function isRedisConnectionError(error: unknown): boolean {
  if (typeof error === "string") return connectionFailure.test(error);
  if (error instanceof AppError) return error.code === "unavailable";
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  return connectionFailure.test(`${code} ${error.message}`);
}
