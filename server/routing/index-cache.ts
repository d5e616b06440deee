import type { Redis } from "ioredis";
import type { AgentConfig } from "../agents/schema";
import { getDb } from "../db/client";
import { connected, createRedis, getRedis, quietQuit, redisKey } from "../redis";
import type { ToolManifest } from "../tools/manifest";
import { buildCapabilityIndex, type CapabilityIndex } from "./capabilities";

/**
 * Each workspace's index, built on first use and dropped when it changes: the capability
 * index of its active agents, and its live tools by name (what a tool agent runs, what an
 * LLM agent may call), so a delivery reads neither from the database. Every push,
 * activation and deletion of an agent or a tool is announced on a Redis channel that every
 * worker follows. A bounded age covers an announcement missed while Redis was away.
 */
const MAX_AGE_MS = 30_000;

export interface IndexedTool {
  id: string;
  name: string;
  versionId: string;
  manifest: ToolManifest;
}

interface WorkspaceIndex {
  capabilities: CapabilityIndex;
  tools: Map<string, IndexedTool>;
}

const indexes = new Map<string, { index: Promise<WorkspaceIndex>; builtAt: number }>();
const channel = () => redisKey("index-changed");

async function load(workspaceId: string): Promise<WorkspaceIndex> {
  const db = getDb();
  const [agents, tools] = await Promise.all([
    db.agent.findMany({
      where: { workspaceId, deletedAt: null, activeVersionId: { not: null } },
      select: { id: true, name: true, activeVersion: { select: { id: true, number: true, config: true } } },
    }),
    db.tool.findMany({
      where: { workspaceId, deletedAt: null, liveName: { not: null }, activeVersionId: { not: null } },
      select: { id: true, liveName: true, activeVersion: { select: { id: true, manifest: true } } },
    }),
  ]);
  return {
    capabilities: buildCapabilityIndex(
      agents.flatMap((a) =>
        a.activeVersion
          ? [
              {
                id: a.id,
                name: a.name,
                versionId: a.activeVersion.id,
                versionNumber: a.activeVersion.number,
                config: a.activeVersion.config as unknown as AgentConfig,
              },
            ]
          : [],
      ),
    ),
    tools: new Map(
      tools.flatMap((t) =>
        t.liveName && t.activeVersion
          ? [
              [
                t.liveName,
                {
                  id: t.id,
                  name: t.liveName,
                  versionId: t.activeVersion.id,
                  manifest: t.activeVersion.manifest as unknown as ToolManifest,
                },
              ] as const,
            ]
          : [],
      ),
    ),
  };
}

function indexOf(workspaceId: string, now: number): Promise<WorkspaceIndex> {
  const cached = indexes.get(workspaceId);
  if (cached && now - cached.builtAt < MAX_AGE_MS) return cached.index;
  const index = load(workspaceId);
  indexes.set(workspaceId, { index, builtAt: now });
  index.catch(() => indexes.delete(workspaceId));
  return index;
}

export async function capabilityIndexOf(workspaceId: string, now = Date.now()): Promise<CapabilityIndex> {
  return (await indexOf(workspaceId, now)).capabilities;
}

/** The workspace's live tools by name, each at its active version. */
export async function toolsOf(workspaceId: string, now = Date.now()): Promise<Map<string, IndexedTool>> {
  return (await indexOf(workspaceId, now)).tools;
}

const forgetListeners: ((workspaceId: string) => void)[] = [];

/** Other per-workspace caches of the worker that a change announcement drops too (its secret values). */
export function onIndexForgotten(listener: (workspaceId: string) => void): void {
  forgetListeners.push(listener);
}

export function forgetIndex(workspaceId: string): void {
  indexes.delete(workspaceId);
  for (const listener of forgetListeners) listener(workspaceId);
}

/**
 * Called after a change of a workspace's agents, tools or secrets commits; losing the announcement
 * only delays it (MAX_AGE_MS).
 */
export async function announceIndexChanged(workspaceId: string): Promise<void> {
  forgetIndex(workspaceId);
  try {
    await (await connected(getRedis())).publish(channel(), workspaceId);
  } catch {
    // Redis away: every index ages out anyway.
  }
}

/** Subscribes this process to index changes; returns how to stop. */
export async function followIndexChanges(): Promise<{ stop(): Promise<void> }> {
  const subscriber: Redis = createRedis("worker");
  subscriber.on("message", (_channel: string, workspaceId: string) => forgetIndex(workspaceId));
  subscriber.on("error", () => {});
  await subscriber.subscribe(channel());
  return { stop: () => quietQuit(subscriber) };
}
