import { getConfig } from "../config/load";
import { createLogger } from "../observability/logger";
import { connected, getRedis, redisKey } from "../redis";

/**
 * A circuit breaker per agent, shared by every worker through Redis. It opens after
 * `failures` failed turns within `windowMs`, stays open for `coolDownMs` (messages go to
 * other providers, or fail fast), then half-opens: one trial turn at a time is let through;
 * a success closes it, a failure opens it again.
 */

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerPolicy {
  failures: number;
  windowMs: number;
  coolDownMs: number;
}

const logger = createLogger("breaker");

export const policyFromConfig = (): BreakerPolicy => {
  const config = getConfig();
  return { failures: config.breakerFailures, windowMs: config.breakerWindowMs, coolDownMs: config.breakerCoolDownMs };
};

const keys = (agentId: string) => ({
  failures: redisKey("breaker", agentId, "failures"),
  open: redisKey("breaker", agentId, "open"),
  tripped: redisKey("breaker", agentId, "tripped"),
  trial: redisKey("breaker", agentId, "trial"),
});

export async function breakerState(agentId: string): Promise<BreakerState> {
  const redis = await connected(getRedis());
  const k = keys(agentId);
  const [open, tripped] = await redis.mget(k.open, k.tripped);
  return open ? "open" : tripped ? "half-open" : "closed";
}

/** Whether a turn may go to this agent now; in half-open, only one trial at a time. */
export async function admit(agentId: string, policy = policyFromConfig()): Promise<{ admitted: boolean; state: BreakerState }> {
  const state = await breakerState(agentId);
  if (state === "closed") return { admitted: true, state };
  if (state === "open") return { admitted: false, state };
  const trial = await (await connected(getRedis())).set(keys(agentId).trial, "1", "PX", policy.coolDownMs, "NX");
  return { admitted: trial === "OK", state };
}

async function open(agentId: string, label: string, policy: BreakerPolicy, why: string) {
  const redis = await connected(getRedis());
  const k = keys(agentId);
  await redis
    .multi()
    .set(k.open, String(Date.now()), "PX", policy.coolDownMs)
    .set(k.tripped, "1", "EX", 24 * 3600)
    .del(k.failures, k.trial)
    .exec();
  logger.warn({ event: "breaker opened", agentId, agent: label, why, coolDownMs: policy.coolDownMs }, `circuit breaker of ${label} opened`);
}

export async function recordSuccess(agentId: string, label: string): Promise<void> {
  const redis = await connected(getRedis());
  const k = keys(agentId);
  const [, , tripped] = (await redis.multi().del(k.failures).del(k.trial).del(k.tripped).exec()) ?? [];
  if (tripped?.[1]) logger.info({ event: "breaker closed", agentId, agent: label }, `circuit breaker of ${label} closed`);
}

export async function recordFailure(agentId: string, label: string, policy = policyFromConfig()): Promise<void> {
  if ((await breakerState(agentId)) === "half-open") return open(agentId, label, policy, "the trial turn failed");
  const redis = await connected(getRedis());
  const k = keys(agentId);
  const [[, count]] = (await redis.multi().incr(k.failures).pexpire(k.failures, policy.windowMs, "NX").exec()) as [[unknown, number]];
  if (count >= policy.failures) await open(agentId, label, policy, `${count} failures within ${policy.windowMs} ms`);
}
