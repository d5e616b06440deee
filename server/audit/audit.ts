import { z } from "zod";
import type { Actor } from "../auth/actor";
import { authorize } from "../auth/actor";
import { getDb } from "../db/client";
import type { Prisma } from "@prisma/client";
import { pageArgs, toPage, type PageQuery } from "../lib/pagination";

import { auditActions, type AuditAction } from "./actions";

export { auditActions, type AuditAction };

export interface AuditEntry {
  action: AuditAction;
  workspaceId?: string | null;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
}

/** Who did it: a user or token (an Actor, or the parts of one), or a named system process. */
export type Who = Pick<Actor, "userId" | "label" | "via"> | { system: string };

/** Appends one event. Pass the transaction client when the change it records is in one. */
export async function audit(who: Who, entry: AuditEntry, db: Prisma.TransactionClient = getDb()): Promise<void> {
  const actor =
    "system" in who
      ? { actorType: "system", actorId: null, actorLabel: who.system }
      : { actorType: who.via === "token" ? "token" : "user", actorId: who.userId, actorLabel: who.label };
  await db.auditEvent.create({
    data: {
      ...actor,
      workspaceId: entry.workspaceId ?? null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      data: (entry.data ?? {}) as Prisma.InputJsonValue,
    },
  });
}

export const auditFilterSchema = z.object({
  actor: z.string().max(200).optional().describe("User id, or part of the actor's label (e.g. an email)"),
  action: z.enum(auditActions).optional(),
  since: z.coerce.date().optional().describe("ISO 8601; events at or after"),
  until: z.coerce.date().optional().describe("ISO 8601; events before"),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const auditEventSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  action: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorLabel: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  data: z.unknown(),
});
export type AuditEventView = z.infer<typeof auditEventSchema>;

function where(actor: Actor, filter: AuditFilter): Prisma.AuditEventWhereInput {
  return {
    workspaceId: actor.workspaceId,
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.actor ? { OR: [{ actorId: filter.actor }, { actorLabel: { contains: filter.actor, mode: "insensitive" as const } }] } : {}),
    ...(filter.since || filter.until
      ? { createdAt: { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } }
      : {}),
  };
}

const view = (row: Prisma.AuditEventGetPayload<object>): AuditEventView => ({
  id: row.id,
  createdAt: row.createdAt.toISOString(),
  action: row.action,
  actorType: row.actorType,
  actorId: row.actorId,
  actorLabel: row.actorLabel,
  targetType: row.targetType,
  targetId: row.targetId,
  data: row.data,
});

export async function listAudit(actor: Actor, filter: AuditFilter, page: PageQuery) {
  authorize(actor, "audit.view");
  const rows = await getDb().auditEvent.findMany({ where: where(actor, filter), ...pageArgs(page) });
  return toPage(rows, page, view);
}

/** The whole filtered log as JSON Lines, oldest first, read in batches. */
export async function* exportAudit(actor: Actor, filter: AuditFilter): AsyncGenerator<string> {
  authorize(actor, "audit.view");
  let cursor: string | undefined;
  for (;;) {
    const rows = await getDb().auditEvent.findMany({
      where: where(actor, filter),
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: 500,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    for (const row of rows) yield `${JSON.stringify(view(row))}\n`;
    if (rows.length < 500) return;
    cursor = rows[rows.length - 1]!.id;
  }
}
