import { getRedis, redisKey } from "../redis";
import type { MessageRow } from "./message-rows";
import { messageView, type MessageView } from "./message-view";

/**
 * Live events: every state change of a message (a request queued, running, answered or
 * failed; each reply stored) is published as JSON on its workspace's Redis channel, which
 * `GET /api/events` relays as Server-Sent Events.
 */

export interface MessageEvent {
  type: "message";
  message: MessageView;
}

/**
 * Draft events: the reply an LLM agent is writing, while it streams (written by
 * draft-events.ts). Each carries the whole text of the current model call so far.
 */
export interface DraftEvent {
  type: "draft";
  /** The request being answered, and the agent answering it (a broadcast has several). */
  requestId: string;
  conversationId: string;
  agent: string;
  /** The model call (tool-calling round) of the turn this text belongs to, from 1. */
  step: number;
  /** Everything the model has written in this step so far. */
  text: string;
  /** Grows with every event of one draft, so a client can ignore one that arrives late. */
  seq: number;
}

/** Everything the workspace channel carries: message states and drafts. */
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
