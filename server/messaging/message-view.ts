import { z } from "zod";
import type { MessageRow } from "./message-rows";

/**
 * A message as every reader sees it (REST, tRPC, the CLI, live events): the row's fields
 * named for readers, dates as ISO strings. Apart from the send service so that live events
 * (written by the worker) and the web side share it without importing each other.
 */

export const performatives = [
  "REQUEST",
  "INFORM",
  "QUERY",
  "PROPOSE",
  "ACCEPT_PROPOSAL",
  "REJECT_PROPOSAL",
  "FAILURE",
  "NOT_UNDERSTOOD",
] as const;

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  performative: z.enum(performatives),
  capability: z.string(),
  sender: z.object({ type: z.string(), label: z.string(), agentId: z.string().nullable() }),
  receiverAgentId: z.string().nullable(),
  agentVersionId: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  /** A delegated request: the request whose turn sent it. */
  parentId: z.string().nullable(),
  content: z.unknown(),
  status: z.enum(["queued", "running", "answered", "failed"]),
  routing: z.unknown().nullable(),
  /** An LLM agent's reply: { provider, model, steps: [{ tool, input, output | diagnostic }], usage, recording } (docs/messaging.md). */
  trace: z.unknown().nullable(),
  depth: z.int(),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
});
export type MessageView = z.infer<typeof messageSchema>;

const iso = (d: Date | null) => d?.toISOString() ?? null;
export const messageView = (m: MessageRow): MessageView => ({
  id: m.id,
  conversationId: m.conversationId,
  performative: m.performative,
  capability: m.capability,
  sender: { type: m.senderType, label: m.senderLabel, agentId: m.senderAgentId },
  receiverAgentId: m.receiverAgentId,
  agentVersionId: m.agentVersionId,
  inReplyTo: m.inReplyToId,
  parentId: m.parentId,
  content: m.content,
  status: m.status,
  routing: m.routing ?? null,
  trace: m.trace ?? null,
  depth: m.depth,
  error: m.error,
  createdAt: m.createdAt.toISOString(),
  startedAt: iso(m.startedAt),
  completedAt: iso(m.completedAt),
});
