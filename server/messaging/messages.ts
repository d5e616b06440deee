import { z } from "zod";
import type { Prisma } from "@prisma/client";
import { authorize, type Actor } from "../auth/actor";
import { getDb } from "../db/client";
import { AppError, notFound } from "../lib/errors";
import { limitFor } from "../quotas/quotas";
import { hit } from "../quotas/rate-limit";
import { getQueueEvents } from "../queue/queues";
import { pageArgs, toPage, type PageQuery } from "../lib/pagination";
import { enqueueDelivery } from "./enqueue-delivery";
import { publishMessageEvent } from "./events";
import { insertRequest, requestWithReplies, type MessageRow, type NewRequest } from "./message-rows";
import { messageSchema, messageView } from "./message-view";

export type { MessageView } from "./message-view";

/**
 * Sending a message from outside (REST, tRPC, CLI): the row is written first, then enqueued
 * with its id as the job id (enqueueing twice adds one job). With `wait`, the caller gets
 * the replies stored by then.
 */

export const sendInputSchema = z
  .object({
    capability: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[a-z][a-z0-9_.-]*(:v[1-9][0-9]*)?$/, "Capabilities look like `summarize` or `summarize:v2`"),
    content: z
      .union([z.string().min(1).max(100_000), z.record(z.string(), z.unknown())])
      .describe("Text, or a JSON object (tool agents take it as their tool's input)"),
    conversationId: z.string().optional(),
    wait: z.number().min(0).max(60).default(0).describe("Seconds to wait for the reply (0: answer at once, 202-style)"),
  })
  .strict();
export type SendInput = z.input<typeof sendInputSchema>;

export const sentSchema = z.object({ message: messageSchema, replies: z.array(messageSchema) });
export const conversationSchema = z.object({
  id: z.string(),
  subject: z.string(),
  createdAt: z.string(),
  /** The newest messages (at most `limit`, 200 by default), oldest first. */
  messages: z.array(messageSchema),
  messageCount: z.int(),
  /** Older messages exist: ask again with `before` = the first message's id. */
  hasEarlier: z.boolean(),
});

export const conversationPageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(200),
  before: z.string().min(1).max(100).optional().describe("Messages older than this message id"),
});
export type ConversationPage = z.input<typeof conversationPageSchema>;

export async function sendMessage(actor: Actor, input: SendInput) {
  authorize(actor, "messages.send");
  const { capability, content, conversationId, wait } = sendInputSchema.parse(input);
  const limit = await limitFor(actor, "messages_per_minute");
  const rate = await hit(`messages:${actor.workspaceId}`, limit);
  if (!rate.allowed) {
    throw new AppError("rate_limited", `This workspace has sent its ${limit} messages this minute (quota "messages_per_minute").`, {
      hint: `Wait ${rate.retryAfterS} s (Retry-After), or ask the workspace owner to raise "messages_per_minute" under Settings → Usage.`,
      retryAfterS: rate.retryAfterS,
    });
  }
  const sent = await submitRequest(
    {
      workspaceId: actor.workspaceId,
      conversationId,
      capability,
      senderType: actor.via === "token" ? "token" : "user",
      senderLabel: actor.label,
      content,
    },
    wait * 1000,
  );
  if (!sent) throw notFound("Conversation");
  return { message: messageView(sent.request), replies: sent.replies.map(messageView) };
}

/**
 * How every request enters, a send or an agent's delegation: stored, shown live, enqueued
 * for delivery, then, given `waitMs`, its replies awaited. null when the conversation is not
 * the workspace's. A job Redis did not take is left to the recovery sweep, and not awaited.
 */
export async function submitRequest(input: NewRequest, waitMs: number): Promise<{ request: MessageRow; replies: MessageRow[] } | null> {
  const message = await insertRequest(input);
  if (!message) return null;
  await publishMessageEvent(message);
  const job = await enqueueDelivery(message.workspaceId, message.id);
  if (!job || waitMs <= 0) return { request: message, replies: [] };
  // Timed out or failed: the rows stored by then say which.
  await job.waitUntilFinished(getQueueEvents("messages"), waitMs).catch(() => undefined);
  const { request, replies } = await requestWithReplies(message.workspaceId, message.id);
  return { request: request ?? message, replies };
}

export async function getConversation(actor: Actor, id: string, page: ConversationPage = {}) {
  authorize(actor, "messages.view");
  const { limit, before } = conversationPageSchema.parse(page);
  const conversation = await getDb().conversation.findFirst({
    where: { id, workspaceId: actor.workspaceId },
    include: {
      // Newest first to take a bounded page, one extra row telling whether older ones exist.
      messages: {
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: limit + 1,
        ...(before ? { cursor: { id: before }, skip: 1 } : {}),
      },
      _count: { select: { messages: true } },
    },
  });
  if (!conversation) throw notFound("Conversation");
  const newest = conversation.messages.slice(0, limit).reverse();
  return {
    id: conversation.id,
    subject: conversation.subject,
    createdAt: conversation.createdAt.toISOString(),
    messages: newest.map(messageView),
    messageCount: conversation._count.messages,
    hasEarlier: conversation.messages.length > limit,
  };
}

/** A list shows the latest message in a line: its content as a preview, its trace left out. */
const LIST_PREVIEW_CHARS = 1_000;
function listedMessage(m: MessageRow) {
  const view = messageView(m);
  const json = JSON.stringify(view.content ?? null);
  const contentBytes = Buffer.byteLength(json, "utf8");
  const contentTruncated = json.length > LIST_PREVIEW_CHARS;
  return {
    ...view,
    trace: null,
    content: contentTruncated ? `${json.slice(0, LIST_PREVIEW_CHARS)}…` : view.content,
    contentBytes,
    contentTruncated,
  };
}

export const conversationFilterSchema = z.object({
  capability: z.string().min(1).max(200).optional().describe("Conversations with a message for this capability"),
  agent: z.string().min(1).max(200).optional().describe("Conversations an agent of this name answered in"),
  status: z.enum(["queued", "running", "answered", "failed"]).optional().describe("Conversations with a request in this status"),
});
export type ConversationFilter = z.infer<typeof conversationFilterSchema>;

export const conversationSummarySchema = z.object({
  id: z.string(),
  subject: z.string(),
  createdAt: z.string(),
  messageCount: z.int(),
  /**
   * The latest message, for a one-line preview and its status. Without its trace, and with
   * content over 1,000 characters of JSON replaced by that text cut short (contentTruncated).
   */
  last: messageSchema.extend({ contentBytes: z.int(), contentTruncated: z.boolean() }).nullable(),
});

/** The workspace's conversations, newest first, each with its latest message. */
export async function listConversations(actor: Actor, filter: ConversationFilter, page: PageQuery) {
  authorize(actor, "messages.view");
  const { capability, agent, status } = conversationFilterSchema.parse(filter);
  const some: Prisma.MessageWhereInput[] = [];
  if (capability) some.push({ capability });
  if (agent) some.push({ senderType: "agent", senderLabel: agent });
  if (status) some.push({ performative: "REQUEST", status });
  const rows = await getDb().conversation.findMany({
    where: { workspaceId: actor.workspaceId, AND: some.map((m) => ({ messages: { some: m } })) },
    include: { messages: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1 }, _count: { select: { messages: true } } },
    ...pageArgs(page),
  });
  return toPage(rows, page, (c) => ({
    id: c.id,
    subject: c.subject,
    createdAt: c.createdAt.toISOString(),
    messageCount: c._count.messages,
    last: c.messages[0] ? listedMessage(c.messages[0]) : null,
  }));
}
