import type { Redis } from "ioredis";
import type { AgentConfig } from "../agents/schema";
import { getDb } from "../db/client";
import { connected, createRedis, getRedis, quietQuit, redisKey } from "../redis";
import { buildCapabilityIndex, type CapabilityIndex } from "./capabilities";

/**
 * Each workspace's capability index, built on first use and dropped when its agents change:
 * every push, activation and deletion is announced on a Redis channel that every worker
 * follows. A bounded age covers an announcement missed while Redis was away.
 */
const MAX_AGE_MS = 30_000;
const indexes = new Map<string, { index: Promise<CapabilityIndex>; builtAt: number }>();
const channel = () => redisKey("agents-changed");

async function load(workspaceId: string): Promise<CapabilityIndex> {
  const agents = await getDb().agent.findMany({
    where: { workspaceId, deletedAt: null, activeVersionId: { not: null } },
    select: { id: true, name: true, activeVersion: { select: { id: true, number: true, config: true } } },
  });
  return buildCapabilityIndex(
    agents.flatMap((a) => (a.activeVersion ? [{ id: a.id, name: a.name, versionId: a.activeVersion.id, versionNumber: a.activeVersion.number, config: a.activeVersion.config as unknown as AgentConfig }] : [])),
  );
}

export function capabilityIndexOf(workspaceId: string, now = Date.now()): Promise<CapabilityIndex> {
  const cached = indexes.get(workspaceId);
  if (cached && now - cached.builtAt < MAX_AGE_MS) return cached.index;
  const index = load(workspaceId);
  indexes.set(workspaceId, { index, builtAt: now });
  index.catch(() => indexes.delete(workspaceId));
  return index;
}

export function forgetIndex(workspaceId: string): void {
  indexes.delete(workspaceId);
}

/** Called after an agent change commits; losing the announcement only delays it (MAX_AGE_MS). */
export async function announceAgentsChanged(workspaceId: string): Promise<void> {
  forgetIndex(workspaceId);
  try {
    await (await connected(getRedis())).publish(channel(), workspaceId);
  } catch {
    // Redis away: every index ages out anyway.
  }
}

/** Subscribes this process to agent changes; returns how to stop. */
export async function followAgentChanges(): Promise<{ stop(): Promise<void> }> {
  const subscriber: Redis = createRedis("worker");
  subscriber.on("message", (_channel: string, workspaceId: string) => forgetIndex(workspaceId));
  subscriber.on("error", () => {});
  await subscriber.subscribe(channel());
  return { stop: () => quietQuit(subscriber) };
}
