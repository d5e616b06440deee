import { getRedis, redisKey } from "../redis";
import type { DraftEvent } from "./draft-events";
import type { MessageRow } from "./message-rows";
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

/** Everything the workspace channel carries: message states and drafts (draft-events.ts). */
export type LiveEvent = MessageEvent | DraftEvent;

export const eventsChannel = (workspaceId: string) => redisKey("events", workspaceId);

/**
 * Publishes a message's state, from the row just written. Never throws: live events are a
 * convenience, and a Redis hiccup must not fail a delivery (the rows are the record).
 */
export async function publishMessageEvent(row: MessageRow): Promise<void> {
  try {
    const event: MessageEvent = { type: "message", message: messageView(row) };
    await getRedis().publish(eventsChannel(row.workspaceId), JSON.stringify(event));
  } catch {
    // See above: best effort.
  }
}
