import { connected, getRedis } from "../redis";
import type { DraftWriter } from "../runtime/ports";
import { workspaceRedactor } from "../secrets/values";
import { eventsChannel, type DraftEvent } from "./events";

export type { DraftEvent } from "./events";

/**
 * Draft events: the reply an LLM agent is writing, while it streams, published on the same
 * workspace channel as the message events (so `GET /api/events` relays them too). A draft is
 * a preview only: the stored reply (one INFORM or FAILURE at the end of the turn) is the
 * record, and a client drops the draft when that reply's message event arrives.
 *
 * Each event carries the whole text of the current model call so far (not the delta), so a
 * client that missed some events still shows the right text. Deltas are coalesced: at most
 * one event per `intervalMs`, so a fast model does not flood Redis.
 *
 * Each text is scrubbed of the workspace's secret values before it leaves (as stored replies
 * are, in message-rows.ts): these are the only live events not made from a stored row.
 */

export const DRAFT_INTERVAL_MS = 75;

/**
 * Never throws: like message events, drafts are a convenience, and a Redis hiccup must not
 * fail a turn.
 */
export function draftWriter(
  workspaceId: string,
  draft: { requestId: string; conversationId: string; agent: string },
  intervalMs = DRAFT_INTERVAL_MS,
): DraftWriter {
  let text = "";
  let step = 1;
  let seq = 0;
  let dirty = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let publishing: Promise<void> = Promise.resolve();

  const publish = () => {
    timer = undefined;
    if (!dirty) return publishing;
    dirty = false;
    const event: DraftEvent = { type: "draft", ...draft, step, text, seq: ++seq };
    // Chained, so events leave in the order they were made. The shared connection keeps no
    // offline queue, so a worker's first draft waits (briefly) for it to be ready. A draft
    // that cannot be scrubbed is not sent.
    publishing = publishing.then(() =>
      workspaceRedactor(workspaceId)
        .then(async (redactor) => {
          const payload = JSON.stringify({ ...event, text: redactor.text(event.text) } satisfies DraftEvent);
          await (await connected(getRedis(), 1_000)).publish(eventsChannel(workspaceId), payload);
        })
        .then(
          () => undefined,
          () => undefined,
        ),
    );
    return publishing;
  };

  return {
    append(delta) {
      if (closed || !delta) return;
      text += delta;
      dirty = true;
      timer ??= setTimeout(() => void publish(), intervalMs);
    },
    nextStep() {
      if (closed) return;
      clearTimeout(timer);
      void publish();
      text = "";
      step += 1;
    },
    async close({ publishPending = true } = {}) {
      if (closed) return publishing;
      closed = true;
      clearTimeout(timer);
      if (!publishPending) dirty = false;
      await publish();
    },
  };
}
