import type { Prisma } from "@prisma/client";
import { getDb } from "../db/client";
import { getRedis, redisKey } from "../redis";
import { messageView, type MessageView } from "./messages";

/**
 * Live events: every state change of a message (a request queued, running, answered or
 * failed; each reply stored) is published as JSON on its workspace's Redis channel, which
 * `GET /api/events` relays as Server-Sent Events.
 */

export interface MessageEvent {
  type: "message";
  message: MessageView;
}

export const eventsChannel = (workspaceId: string) => redisKey("events", workspaceId);

type MessageRow = Prisma.MessageGetPayload<object>;
/** A stored row, or where to find one (a reply written with createMany is found by its replyKey). */
type MessageRef = MessageRow | { id: string } | { replyKey: string };

const isRow = (ref: MessageRef): ref is MessageRow => "workspaceId" in ref;

/**
 * Publishes the message's current state. Never throws: live events are a convenience, and a
 * Redis hiccup must not fail a delivery (the rows are the record).
 */
export async function publishMessageEvent(ref: MessageRef): Promise<void> {
  try {
    const row = isRow(ref) ? ref : await getDb().message.findUnique({ where: "id" in ref ? { id: ref.id } : { replyKey: ref.replyKey } });
    if (!row) return;
    const event: MessageEvent = { type: "message", message: messageView(row) };
    await getRedis().publish(eventsChannel(row.workspaceId), JSON.stringify(event));
  } catch {
    // See above: best effort.
  }
}
