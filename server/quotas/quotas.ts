import { z } from "zod";
import type { Prisma } from "@prisma/client";
import { audit } from "../audit/audit";
import { authorize, type Actor } from "../auth/actor";
import { getConfig } from "../config/load";
import { getDb } from "../db/client";
import { sql } from "../db/sql";
import { AppError } from "../lib/errors";
import { currentMinuteCount } from "./rate-limit";
import { toolMsToday } from "./tool-time";

/** Per-workspace limits: configured defaults, overridden per workspace in the Quota table. */
export const quotaNames = ["members", "tokens", "agents", "tool_cpu_ms_per_day", "messages_per_minute", "api_requests_per_minute"] as const;
export type QuotaName = (typeof quotaNames)[number];

export const quotaDescriptions: Record<QuotaName, string> = {
  members: "Members of the workspace",
  tokens: "Active API tokens",
  agents: "Agents",
  tool_cpu_ms_per_day: "Tool run time today (ms, UTC day)",
  messages_per_minute: "Messages sent this minute",
  api_requests_per_minute: "REST API requests per minute, per token",
};

function defaults(): Record<QuotaName, number> {
  const config = getConfig();
  return {
    members: config.quotaMembers,
    tokens: config.quotaTokens,
    agents: config.quotaAgents,
    tool_cpu_ms_per_day: config.quotaToolCpuMsPerDay,
    messages_per_minute: config.quotaMessagesPerMinute,
    api_requests_per_minute: config.quotaApiRequestsPerMinute,
  };
}

/**
 * A workspace's limit. Inside a transaction, read through it; otherwise (every API request
 * and message checks one) with plain SQL, which costs a tenth of a Prisma query.
 */
export async function limitOf(workspaceId: string, name: QuotaName, db?: Prisma.TransactionClient): Promise<number> {
  const override = db
    ? await db.quota.findUnique({ where: { workspaceId_name: { workspaceId, name } } })
    : (await sql<{ limit: number }>(`SELECT "limit" FROM "Quota" WHERE "workspaceId" = $1 AND name = $2`, [workspaceId, name]))[0];
  return override?.limit ?? defaults()[name];
}

/**
 * A limit from a workspace's overrides already read along with something else (an API
 * token, a request being delivered), or read now when there are none in hand.
 */
export async function limitWith(overrides: Record<string, number> | undefined, workspaceId: string, name: QuotaName): Promise<number> {
  if (overrides) return overrides[name] ?? defaults()[name];
  return limitOf(workspaceId, name);
}

/** The actor's workspace's limit: from the overrides its token brought along, else read. */
export const limitFor = (actor: Actor, name: QuotaName) => limitWith(actor.quotaOverrides, actor.workspaceId, name);

/** Refuses to go past a limit; call inside the transaction that would add the row. */
export async function enforceQuota(db: Prisma.TransactionClient, workspaceId: string, name: QuotaName, used: number): Promise<void> {
  const limit = await limitOf(workspaceId, name, db);
  if (used >= limit) {
    throw new AppError(
      "quota_exceeded",
      `This workspace has reached its limit of ${limit} ${quotaDescriptions[name].toLowerCase()} (quota "${name}").`,
      {
        details: { quota: name, limit, used },
        hint: "Free some up, or ask the workspace owner to raise the limit under Settings → Usage.",
      },
    );
  }
}

export const activeTokenWhere = (workspaceId: string): Prisma.ApiTokenWhereInput => ({
  workspaceId,
  revokedAt: null,
  OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }],
});

export const usageSchema = z.array(
  z.object({ name: z.enum(quotaNames), description: z.string(), limit: z.number(), used: z.number(), isDefault: z.boolean() }),
);
export type Usage = z.infer<typeof usageSchema>;

export async function getUsage(actor: Actor): Promise<Usage> {
  authorize(actor, "quotas.view");
  const db = getDb();
  const [overrides, members, tokens, agents, toolMs, messages, requests] = await Promise.all([
    db.quota.findMany({ where: { workspaceId: actor.workspaceId } }),
    db.membership.count({ where: { workspaceId: actor.workspaceId } }),
    db.apiToken.count({ where: activeTokenWhere(actor.workspaceId) }),
    db.agent.count({ where: { workspaceId: actor.workspaceId, deletedAt: null } }),
    toolMsToday(actor.workspaceId),
    currentMinuteCount(`messages:${actor.workspaceId}`),
    currentMinuteCount(`ws:${actor.workspaceId}`),
  ]);
  const used: Record<QuotaName, number> = {
    members,
    tokens,
    agents,
    tool_cpu_ms_per_day: toolMs,
    messages_per_minute: messages,
    api_requests_per_minute: requests,
  };
  return quotaNames.map((name) => {
    const override = overrides.find((o) => o.name === name);
    return {
      name,
      description: quotaDescriptions[name],
      limit: override?.limit ?? defaults()[name],
      used: used[name],
      isDefault: !override,
    };
  });
}

export async function setQuota(actor: Actor, name: QuotaName, limit: number | null): Promise<void> {
  authorize(actor, "quotas.update");
  const db = getDb();
  await db.$transaction(async (tx) => {
    const key = { workspaceId_name: { workspaceId: actor.workspaceId, name } };
    if (limit === null) await tx.quota.deleteMany({ where: { workspaceId: actor.workspaceId, name } });
    else await tx.quota.upsert({ where: key, create: { workspaceId: actor.workspaceId, name, limit }, update: { limit } });
    await audit(
      actor,
      { action: "quota.updated", workspaceId: actor.workspaceId, targetType: "quota", targetId: name, data: { limit } },
      tx,
    );
  });
}
