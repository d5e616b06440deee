import type { Prisma } from "@prisma/client";
import { newId } from "../db/ids";
import { NOW_UTC, sql } from "../db/sql";
import { QUOTA_OVERRIDES_SQL } from "../quotas/overrides-sql";
import { workspaceRedactor } from "../secrets/values";

/**
 * The statements every message goes through, in plain SQL (see server/db/sql.ts for why):
 * one to store a request (and open its conversation), one to mark it running, one per reply,
 * one to finish it. Each returns the row it wrote, so live events need no second read.
 *
 * Whatever the platform, a model, a vendor or a tool wrote is scrubbed of the workspace's
 * secrets here, before it is stored (secrets/redact.ts): every view of a message (REST, tRPC,
 * the conversation page, live events) is made from these rows, so none can show a secret.
 * What a person sent is stored as they sent it.
 */

export type MessageRow = Prisma.MessageGetPayload<object>;

const json = (value: unknown) => JSON.stringify(value ?? null);

export interface NewRequest {
  workspaceId: string;
  /** An existing conversation of this workspace; without one, a conversation is opened. */
  conversationId?: string;
  capability: string;
  senderType: string;
  senderLabel: string;
  content: unknown;
  /** A delegation: the asking agent, the request whose turn asked, and the depth below it. */
  senderAgentId?: string;
  parentId?: string;
  depth?: number;
}

/** Stores a REQUEST; null when `conversationId` names no conversation of the workspace. */
export async function insertRequest(input: NewRequest): Promise<MessageRow | null> {
  // A delegation's content was written by a model.
  const content = input.senderType === "agent" ? (await workspaceRedactor(input.workspaceId)).json(input.content) : input.content;
  const [row] = await sql<MessageRow>(
    `WITH opened AS (
       INSERT INTO "Conversation" (id, "workspaceId", subject, "createdAt", "updatedAt")
       SELECT $2, $3, $4, ${NOW_UTC}, ${NOW_UTC} WHERE $5::text IS NULL
       RETURNING id
     ), conversation AS (
       SELECT id FROM opened
       UNION ALL SELECT id FROM "Conversation" WHERE $5::text IS NOT NULL AND id = $5 AND ("workspaceId" = $3) IS TRUE
     )
     INSERT INTO "Message" (id, "workspaceId", "conversationId", performative, capability, "senderType", "senderLabel", "senderAgentId", content, status, depth, "parentId", "createdAt")
     SELECT $1, $3, conversation.id, 'REQUEST', $4, $6, $7, $8, $9::jsonb, 'queued', $10, $11, ${NOW_UTC} FROM conversation
     RETURNING *`,
    [
      newId(),
      newId(),
      input.workspaceId,
      input.capability,
      input.conversationId ?? null,
      input.senderType,
      input.senderLabel,
      input.senderAgentId ?? null,
      json(content),
      input.depth ?? 0,
      input.parentId ?? null,
    ],
  );
  return row ?? null;
}

/** The capabilities requested along the delegation chain that led to `id`, nearest first. */
export async function chainOf(workspaceId: string, id: string): Promise<string[]> {
  const rows = await sql<{ capability: string }>(
    `WITH RECURSIVE chain AS (
       SELECT capability, "parentId", 0 AS hops FROM "Message" WHERE id = $1 AND ("workspaceId" = $2) IS TRUE
       UNION ALL
       SELECT m.capability, m."parentId", chain.hops + 1 FROM "Message" m JOIN chain ON m.id = chain."parentId" AND (m."workspaceId" = $2) IS TRUE WHERE chain.hops < 63
     )
     SELECT capability FROM chain ORDER BY hops`,
    [id, workspaceId],
  );
  return rows.map((r) => r.capability);
}

/**
 * The workspace of a message named by id alone: only for a delivery job enqueued before jobs
 * carried their workspace (one still in Redis across a rolling restart). Everything after it
 * runs inside the workspace it answers, as for a current job.
 */
export async function workspaceOfMessage(id: string): Promise<string | null> {
  const [row] = await sql<{ workspaceId: string }>(`SELECT "workspaceId" FROM "Message" WHERE id = $1`, [id]);
  return row?.workspaceId ?? null;
}

/** A request being delivered, with its workspace's quota overrides (read in the same statement). */
export type RunningRequest = MessageRow & { quotaOverrides: Record<string, number> };

/**
 * Marks a request running; null when it is already answered or failed (a redelivered job).
 * `attempt` counts a delivery begun (in the row: the recovery sweep's re-enqueue resets BullMQ's count).
 */
export async function markRunning(workspaceId: string, id: string, options: { attempt?: boolean } = {}): Promise<RunningRequest | null> {
  const [row] = await sql<RunningRequest>(
    `UPDATE "Message" SET status = 'running', "startedAt" = COALESCE("startedAt", ${NOW_UTC})${options.attempt ? `, "deliveryAttempts" = "deliveryAttempts" + 1` : ""}
     WHERE id = $1 AND ("workspaceId" = $2) IS TRUE AND status IN ('queued', 'running') RETURNING *, ${QUOTA_OVERRIDES_SQL(`"Message"."workspaceId"`)} AS "quotaOverrides"`,
    [id, workspaceId],
  );
  return row ?? null;
}

export interface NewReply {
  performative: "INFORM" | "FAILURE";
  content: unknown;
  trace?: unknown;
  senderType: "agent" | "system";
  senderLabel: string;
  senderAgentId: string | null;
  agentVersionId: string | null;
}

export interface RequestOutcome {
  status: "answered" | "failed";
  receiverAgentId?: string | null;
  agentVersionId?: string | null;
  routing?: unknown;
  error?: string | null;
}

/**
 * Ends a request in one statement: its replies stored (at most one per request and sender,
 * by `replyKey`, so a job that ran twice adds nothing) and the request updated (fields not
 * given keep their values). Returns the rows written: the new replies, then the request.
 */
export async function answerRequest(request: MessageRow, replies: NewReply[], outcome: RequestOutcome): Promise<MessageRow[]> {
  const redactor = await workspaceRedactor(request.workspaceId);
  const input = redactor.json(replies).map((reply) => ({
    id: newId(),
    performative: reply.performative,
    senderType: reply.senderType,
    senderLabel: reply.senderLabel,
    senderAgentId: reply.senderAgentId,
    agentVersionId: reply.agentVersionId,
    replyKey: `${request.id}:${reply.senderAgentId ?? "router"}`,
    content: reply.content ?? null,
    trace: reply.trace ?? null,
    status: reply.performative === "FAILURE" ? "failed" : "answered",
  }));
  const rows = await sql<MessageRow>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS r(id text, performative text, "senderType" text, "senderLabel" text, "senderAgentId" text,
         "agentVersionId" text, "replyKey" text, content jsonb, trace jsonb, status text)
     ), finished AS (
       UPDATE "Message" SET status = $7,
         "receiverAgentId" = CASE WHEN $8 THEN $9 ELSE "receiverAgentId" END,
         "agentVersionId" = CASE WHEN $8 THEN $10 ELSE "agentVersionId" END,
         routing = COALESCE($11::jsonb, routing),
         error = COALESCE($12, error),
         "completedAt" = ${NOW_UTC}
       WHERE id = $1 AND ("workspaceId" = $3) IS TRUE RETURNING *
     ), replies AS (
       INSERT INTO "Message" (id, "workspaceId", "conversationId", performative, capability, "senderType", "senderLabel", "senderAgentId",
         "agentVersionId", "inReplyToId", "replyKey", content, trace, status, depth, "createdAt", "completedAt")
       SELECT id, $3, $4, performative::"Performative", $5, "senderType", "senderLabel", "senderAgentId", "agentVersionId", $1, "replyKey",
         COALESCE(content, 'null'::jsonb), trace, status::"MessageStatus", $6, ${NOW_UTC}, ${NOW_UTC}
       FROM input
       -- Replies only to a request of this workspace (the one the update above found).
       WHERE EXISTS (SELECT 1 FROM finished)
       ON CONFLICT ("replyKey") DO NOTHING
       RETURNING *
     )
     SELECT * FROM replies UNION ALL SELECT * FROM finished`,
    [
      request.id,
      JSON.stringify(input),
      request.workspaceId,
      request.conversationId,
      request.capability,
      request.depth,
      outcome.status,
      outcome.receiverAgentId !== undefined,
      outcome.receiverAgentId ?? null,
      outcome.agentVersionId ?? null,
      outcome.routing === undefined ? null : json(redactor.json(outcome.routing)),
      outcome.error === undefined || outcome.error === null ? null : redactor.text(outcome.error),
    ],
  );
  // Replies first, the request last: the order live viewers should see them in.
  return [...rows.filter((r) => r.id !== request.id), ...rows.filter((r) => r.id === request.id)];
}

/** A message and its replies, oldest reply first. */
export async function requestWithReplies(workspaceId: string, id: string): Promise<{ request: MessageRow | null; replies: MessageRow[] }> {
  const rows = await sql<MessageRow>(
    `SELECT * FROM "Message" WHERE id = $1 AND ("workspaceId" = $2) IS TRUE UNION ALL SELECT * FROM "Message" WHERE "inReplyToId" = $1 AND ("workspaceId" = $2) IS TRUE ORDER BY "createdAt", id`,
    [id, workspaceId],
  );
  return { request: rows.find((r) => r.id === id) ?? null, replies: rows.filter((r) => r.id !== id) };
}
