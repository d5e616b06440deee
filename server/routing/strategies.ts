import { connected, getRedis, redisKey } from "../redis";
import type { Provider } from "./capabilities";

/**
 * Picking the agents that handle one message among those offering its capability. The
 * strategy is the one the best-matching provider's `[routing]` names. Shared state (turns
 * of a round-robin, in-flight counts) lives in Redis, so every worker decides alike.
 */

export type Strategy = "single" | "broadcast" | "round-robin" | "least-loaded" | "weighted";

export interface RoutingDecision {
  strategy: Strategy;
  candidates: string[];
  chosen: Provider[];
  reason: string;
  decisionMs: number;
}

const inFlightKey = (agentId: string) => redisKey("inflight", agentId);

export async function choose(
  workspaceId: string,
  capability: string,
  providers: Provider[],
  random = Math.random,
): Promise<RoutingDecision> {
  const started = performance.now();
  const strategy = (providers[0]?.config.routing.strategy ?? "single") as Strategy;
  const candidates = providers.map((p) => p.agentName);
  const decided = (chosen: Provider[], reason: string): RoutingDecision => ({
    strategy,
    candidates,
    chosen,
    reason,
    decisionMs: performance.now() - started,
  });
  if (providers.length <= 1 || strategy === "single")
    return decided(providers.slice(0, 1), providers.length ? "the best-matching provider" : "no provider");
  if (strategy === "broadcast") return decided(providers, `all ${providers.length} providers`);
  if (strategy === "weighted") {
    const total = providers.reduce((sum, p) => sum + p.config.routing.weight, 0);
    let pick = random() * total;
    const chosen = providers.find((p) => (pick -= p.config.routing.weight) < 0) ?? providers.at(-1)!;
    return decided([chosen], `weighted by ${providers.map((p) => `${p.agentName}=${p.config.routing.weight}`).join(", ")}`);
  }
  const redis = await connected(getRedis());
  if (strategy === "round-robin") {
    const turn = await redis.incr(redisKey("rr", workspaceId, capability));
    const chosen = providers[(turn - 1) % providers.length]!;
    return decided([chosen], `turn ${turn} of the round`);
  }
  const loads = (await redis.mget(...providers.map((p) => inFlightKey(p.agentId)))).map((v) => Number(v ?? 0));
  const least = loads.indexOf(Math.min(...loads));
  return decided([providers[least]!], `least in flight (${providers.map((p, i) => `${p.agentName}=${loads[i]}`).join(", ")})`);
}

/**
 * Counts a turn in flight while `work` runs, for least-loaded routing. Only agents routed
 * least-loaded are counted: nothing else reads the count, and it costs two Redis round trips
 * per turn.
 */
export async function inFlight<T>(provider: Provider, work: () => Promise<T>): Promise<T> {
  if (provider.config.routing.strategy !== "least-loaded") return work();
  const redis = await connected(getRedis());
  const key = inFlightKey(provider.agentId);
  await redis.multi().incr(key).expire(key, 3600).exec();
  try {
    return await work();
  } finally {
    await redis.decr(key).catch(() => {});
  }
}
