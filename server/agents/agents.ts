import { createHash } from "node:crypto";
import { z } from "zod";
import { Prisma } from "@prisma/client";
import { audit } from "../audit/audit";
import { authorize, type Actor } from "../auth/actor";
import { getDb } from "../db/client";
import { retryOnUniqueRace } from "../db/retry";
import { AppError, notFound } from "../lib/errors";
import { pageArgs, toPage, type PageQuery } from "../lib/pagination";
import { enforceQuota } from "../quotas/quotas";
import { breakerState } from "../routing/breaker";
import { announceIndexChanged } from "../routing/index-cache";
import { unifiedDiff } from "./diff";
import type { AgentConfig } from "./schema";
import { fillTemplate, listTemplates, templatePreview } from "./templates";
import { problemSchema, validateAgentSource, type Problem } from "./validate";

/**
 * Agents of a workspace: each accepted document is an immutable AgentVersion; the agent
 * points at its active one. Every function takes the Actor and scopes by its workspace.
 */

export const agentVersionSchema = z.object({
  number: z.int(),
  semver: z.string(),
  contentHash: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  active: z.boolean(),
});
export const agentVersionDetailSchema = agentVersionSchema.extend({ source: z.string(), config: z.record(z.string(), z.unknown()) });

export const agentSummarySchema = z.object({
  name: z.string(),
  description: z.string(),
  kind: z.enum(["llm", "tool"]),
  capabilities: z.array(z.string()),
  status: z.enum(["active", "inactive"]),
  activeVersion: z.object({ number: z.int(), semver: z.string() }).nullable(),
  versionCount: z.int(),
  lastActivityAt: z.string(),
  createdAt: z.string(),
});
export const agentDetailSchema = agentSummarySchema.extend({ source: z.string(), config: z.record(z.string(), z.unknown()) });

/** What the agent's page shows besides its document: its circuit breaker and recent failures. */
export const agentHealthSchema = z.object({
  breaker: z.enum(["closed", "open", "half-open"]),
  recentFailures: z.array(
    z.object({ messageId: z.string(), conversationId: z.string(), capability: z.string(), reason: z.string(), createdAt: z.string() }),
  ),
});
export const agentPageSchema = agentDetailSchema.extend(agentHealthSchema.shape);

export const pushResultSchema = z.object({
  outcome: z
    .enum(["created", "updated", "unchanged", "reactivated"])
    .describe("unchanged: identical to the active version; reactivated: identical to an older version, now active again"),
  agent: agentDetailSchema,
  version: agentVersionSchema,
  diff: z.string().nullable().describe("Unified diff from the previously active version"),
  warnings: z.array(problemSchema),
});
export type PushResult = z.infer<typeof pushResultSchema>;

export const diffSchema = z.object({ name: z.string(), from: z.int(), to: z.int(), diff: z.string(), identical: z.boolean() });

type AgentRow = Prisma.AgentGetPayload<{ include: { activeVersion: true; _count: { select: { versions: true } } } }>;
type VersionRow = Prisma.AgentVersionGetPayload<object>;

const withActive = { activeVersion: true, _count: { select: { versions: true } } } as const;

/** Line endings do not make a new version. */
export const contentHash = (source: string) => createHash("sha256").update(source.replace(/\r\n/g, "\n")).digest("hex");

function summaryOf(agent: AgentRow) {
  const config = (agent.activeVersion?.config ?? {}) as Partial<AgentConfig>;
  return {
    name: agent.name,
    description: config.description ?? "",
    kind: config.handler ? ("tool" as const) : ("llm" as const),
    capabilities: config.capabilities ?? [],
    status: agent.activeVersion ? ("active" as const) : ("inactive" as const),
    activeVersion: agent.activeVersion ? { number: agent.activeVersion.number, semver: agent.activeVersion.semver } : null,
    versionCount: agent._count.versions,
    lastActivityAt: agent.lastActivityAt.toISOString(),
    createdAt: agent.createdAt.toISOString(),
  };
}

const detailOf = (agent: AgentRow) => ({
  ...summaryOf(agent),
  source: agent.activeVersion?.source ?? "",
  config: (agent.activeVersion?.config ?? {}) as Record<string, unknown>,
});

const versionOf = (version: VersionRow, activeVersionId: string | null) => ({
  number: version.number,
  semver: version.semver,
  contentHash: version.contentHash,
  createdBy: version.createdBy,
  createdAt: version.createdAt.toISOString(),
  active: version.id === activeVersionId,
});

/** The 422 every entry point answers for a document with errors. */
export function invalidAgent(problems: Problem[]): AppError {
  const errors = problems.filter((p) => p.severity === "error");
  const first = errors[0];
  return new AppError(
    "invalid_agent",
    `The agent document has ${errors.length} problem${errors.length === 1 ? "" : "s"}${first ? `; first, line ${first.line}:${first.column}: ${first.message}` : ""}`,
    {
      details: { problems },
      hint: "Fix each problem at its line and column (`caxton agent validate <file>` shows them offline).",
    },
  );
}

export const checkResultSchema = z.object({
  ok: z.boolean(),
  problems: z.array(problemSchema),
  config: z.record(z.string(), z.unknown()).nullable(),
});

/** Validation only, nothing saved (the editor's live markers, `POST /agents/validate`). */
export async function checkAgent(actor: Actor, source: string | Uint8Array): Promise<z.infer<typeof checkResultSchema>> {
  authorize(actor, "agents.view");
  const result = validateAgentSource(source);
  return { ok: result.ok, problems: result.problems, config: result.ok ? (result.config as unknown as Record<string, unknown>) : null };
}

async function findLive(db: Prisma.TransactionClient, actor: Actor, name: string): Promise<AgentRow> {
  const agent = await db.agent.findFirst({ where: { workspaceId: actor.workspaceId, liveName: name }, include: withActive });
  if (!agent) throw notFound(`Agent "${name}"`);
  return agent;
}

export async function listAgents(actor: Actor, page: PageQuery) {
  authorize(actor, "agents.view");
  const rows = await getDb().agent.findMany({
    where: { workspaceId: actor.workspaceId, deletedAt: null },
    include: withActive,
    ...pageArgs(page, { name: "asc" as const }),
  });
  return toPage(rows, page, summaryOf);
}

export async function getAgent(actor: Actor, name: string): Promise<z.infer<typeof agentPageSchema>> {
  authorize(actor, "agents.view");
  const agent = await findLive(getDb(), actor, name);
  const [breaker, failures] = await Promise.all([
    breakerState(agent.id).catch(() => "closed" as const),
    getDb().message.findMany({
      where: { workspaceId: actor.workspaceId, senderAgentId: agent.id, performative: "FAILURE" },
      orderBy: { createdAt: "desc" },
      take: 5,
    }),
  ]);
  const recentFailures = failures.map((m) => ({
    messageId: m.inReplyToId ?? m.id,
    conversationId: m.conversationId,
    capability: m.capability,
    reason: String((m.content as { reason?: unknown } | null)?.reason ?? "failed"),
    createdAt: m.createdAt.toISOString(),
  }));
  return { ...detailOf(agent), breaker, recentFailures };
}

/**
 * Validates a document and makes it the active version of the agent it names: a new agent,
 * a new version, the older version it is identical to, or nothing when it is already active.
 */
export async function pushAgent(actor: Actor, source: string | Uint8Array): Promise<PushResult> {
  authorize(actor, "agents.write");
  const validation = validateAgentSource(source);
  if (!validation.ok) throw invalidAgent(validation.problems);
  const text = typeof source === "string" ? source : new TextDecoder().decode(source).replace(/^\uFEFF/, "");
  const { config } = validation;
  const hash = contentHash(text);
  const warnings = validation.problems;
  // Two pushes of a new name, or of new versions, can race on the unique keys: the loser runs once more.
  const result = await retryOnUniqueRace(() =>
    getDb().$transaction(async (tx) => {
      const existing = await tx.agent.findFirst({ where: { workspaceId: actor.workspaceId, liveName: config.name }, include: withActive });
      const newVersion = (agentId: string, number: number) =>
        tx.agentVersion.create({
          data: {
            agentId,
            workspaceId: actor.workspaceId,
            number,
            semver: config.version,
            source: text,
            config: config as unknown as Prisma.InputJsonValue,
            contentHash: hash,
            createdById: actor.userId,
            createdBy: actor.label,
          },
        });
      const activate = (agentId: string, versionId: string) =>
        tx.agent.update({ where: { id: agentId }, data: { activeVersionId: versionId, lastActivityAt: new Date() }, include: withActive });

      if (!existing) {
        await enforceQuota(
          tx,
          actor.workspaceId,
          "agents",
          await tx.agent.count({ where: { workspaceId: actor.workspaceId, deletedAt: null } }),
        );
        const agent = await tx.agent.create({ data: { workspaceId: actor.workspaceId, name: config.name, liveName: config.name } });
        const version = await newVersion(agent.id, 1);
        const active = await activate(agent.id, version.id);
        await audit(
          actor,
          {
            action: "agent.created",
            workspaceId: actor.workspaceId,
            targetType: "agent",
            targetId: config.name,
            data: { version: 1, semver: config.version },
          },
          tx,
        );
        return { outcome: "created" as const, agent: detailOf(active), version: versionOf(version, version.id), diff: null, warnings };
      }
      const previous = existing.activeVersion;
      if (previous?.contentHash === hash) {
        return {
          outcome: "unchanged" as const,
          agent: detailOf(existing),
          version: versionOf(previous, previous.id),
          diff: null,
          warnings,
        };
      }
      const same = await tx.agentVersion.findFirst({ where: { agentId: existing.id, contentHash: hash }, orderBy: { number: "desc" } });
      const last = await tx.agentVersion.findFirst({
        where: { agentId: existing.id },
        orderBy: { number: "desc" },
        select: { number: true },
      });
      const version = same ?? (await newVersion(existing.id, (last?.number ?? 0) + 1));
      const active = await activate(existing.id, version.id);
      await audit(
        actor,
        {
          action: same ? "agent.activated" : "agent.updated",
          workspaceId: actor.workspaceId,
          targetType: "agent",
          targetId: config.name,
          data: { version: version.number, semver: version.semver, previous: previous?.number ?? null },
        },
        tx,
      );
      return {
        outcome: same ? ("reactivated" as const) : ("updated" as const),
        agent: detailOf(active),
        version: versionOf(version, version.id),
        diff: unifiedDiff(previous ? { label: `${config.name} v${previous.number}`, text: previous.source } : null, {
          label: `${config.name} v${version.number}`,
          text,
        }),
        warnings,
      };
    }),
  );
  if (result.outcome !== "unchanged") await announceIndexChanged(actor.workspaceId);
  return result;
}

export async function listVersions(actor: Actor, name: string, page: PageQuery) {
  authorize(actor, "agents.view");
  const agent = await findLive(getDb(), actor, name);
  const rows = await getDb().agentVersion.findMany({ where: { agentId: agent.id }, ...pageArgs(page, { number: "desc" as const }) });
  return toPage(rows, page, (row) => versionOf(row, agent.activeVersionId));
}

async function findVersion(db: Prisma.TransactionClient, agent: AgentRow, number: number): Promise<VersionRow> {
  const version = await db.agentVersion.findUnique({ where: { agentId_number: { agentId: agent.id, number } } });
  if (!version) {
    throw new AppError("not_found", `Agent "${agent.name}" has no version ${number}.`, {
      hint: `Versions run from 1 to ${agent._count.versions}.`,
    });
  }
  return version;
}

export async function getVersion(actor: Actor, name: string, number: number) {
  authorize(actor, "agents.view");
  const agent = await findLive(getDb(), actor, name);
  const version = await findVersion(getDb(), agent, number);
  return { ...versionOf(version, agent.activeVersionId), source: version.source, config: version.config as Record<string, unknown> };
}

/** A readable diff between two versions; by default the active one against the one before it. */
export async function diffVersions(actor: Actor, name: string, range: { from?: number; to?: number }) {
  authorize(actor, "agents.view");
  const agent = await findLive(getDb(), actor, name);
  const to = range.to ?? agent.activeVersion?.number ?? agent._count.versions;
  const from = range.from ?? Math.max(1, to - 1);
  const [a, b] = await Promise.all([findVersion(getDb(), agent, from), findVersion(getDb(), agent, to)]);
  const diff = unifiedDiff({ label: `${name} v${from}`, text: a.source }, { label: `${name} v${to}`, text: b.source });
  return { name, from, to, diff, identical: a.contentHash === b.contentHash };
}

/** Rollback (or forward): makes an existing version the active one. */
export async function activateVersion(actor: Actor, name: string, number: number) {
  authorize(actor, "agents.write");
  const detail = await getDb().$transaction(async (tx) => {
    const agent = await findLive(tx, actor, name);
    const version = await findVersion(tx, agent, number);
    if (agent.activeVersionId === version.id) return detailOf(agent);
    const updated = await tx.agent.update({
      where: { id: agent.id },
      data: { activeVersionId: version.id, lastActivityAt: new Date() },
      include: withActive,
    });
    await audit(
      actor,
      {
        action: "agent.activated",
        workspaceId: actor.workspaceId,
        targetType: "agent",
        targetId: name,
        data: { version: number, previous: agent.activeVersion?.number ?? null },
      },
      tx,
    );
    return detailOf(updated);
  });
  await announceIndexChanged(actor.workspaceId);
  return detail;
}

/** Soft delete: the history stays (and in the audit log); the name is free again. */
export async function deleteAgent(actor: Actor, name: string, confirm: string): Promise<void> {
  authorize(actor, "agents.write");
  await getDb().$transaction(async (tx) => {
    const agent = await findLive(tx, actor, name);
    if (confirm !== name) {
      throw new AppError("bad_request", `To delete agent "${name}", confirm with its name.`, { hint: `Send confirm: "${name}".` });
    }
    await tx.agent.update({ where: { id: agent.id }, data: { deletedAt: new Date(), liveName: null } });
    await audit(
      actor,
      {
        action: "agent.deleted",
        workspaceId: actor.workspaceId,
        targetType: "agent",
        targetId: name,
        data: { versions: agent._count.versions },
      },
      tx,
    );
  });
  await announceIndexChanged(actor.workspaceId);
}

export const templateViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  params: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      default: z.string().nullable(),
      pattern: z.string().nullable(),
      options: z.array(z.string()).nullable(),
    }),
  ),
  preview: z.string().describe("The document filled with the defaults"),
});

export async function listAgentTemplates(actor: Actor): Promise<z.infer<typeof templateViewSchema>[]> {
  authorize(actor, "agents.view");
  return listTemplates().map((template) => ({
    id: template.id,
    title: template.title,
    description: template.description,
    params: template.params.map((p) => ({
      name: p.name,
      description: p.description,
      default: p.default ?? null,
      pattern: p.pattern ?? null,
      options: p.options ?? null,
    })),
    preview: templatePreview(template),
  }));
}

/** A template filled with the given parameters, pushed like any other document. */
export async function createFromTemplate(actor: Actor, templateId: string, params: Record<string, string>): Promise<PushResult> {
  authorize(actor, "agents.write");
  return pushAgent(actor, fillTemplate(templateId, params).source);
}
