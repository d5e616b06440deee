import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, useTestEnvironment } from "../../test/support/env";
import { connected, createRedis, quietQuit } from "../redis";
import { draftWriter, type DraftEvent } from "./draft-events";
import { eventsChannel } from "./events";

// Against the real Redis: what a subscriber of the workspace channel receives from a draft.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let subscriber: ReturnType<typeof createRedis>;
const received: DraftEvent[] = [];
const WORKSPACE = "ws-drafts";

beforeAll(async () => {
  environment = await useTestEnvironment("draft_events");
  subscriber = createRedis("worker");
  await connected(subscriber, 5_000);
  await subscriber.subscribe(eventsChannel(WORKSPACE));
  subscriber.on("message", (_channel: string, payload: string) => received.push(JSON.parse(payload) as DraftEvent));
});
afterAll(async () => {
  await quietQuit(subscriber);
  await environment?.cleanup();
});

const forRequest = (requestId: string) => received.filter((e) => e.requestId === requestId);
// A marker draft published after the one under test: once it is seen, everything before it was delivered.
async function settle() {
  const marker = `marker-${Math.random()}`;
  const writer = draftWriter(WORKSPACE, { requestId: marker, conversationId: "c", agent: "m" }, 60_000);
  writer.append(".");
  await writer.close();
  await eventually(async () => forRequest(marker).length === 1);
}

describe("draft events", () => {
  it("coalesce many pieces into one event per flush, each with the whole text so far", async () => {
    // An interval no test waits for: only nextStep and close publish here.
    const writer = draftWriter(WORKSPACE, { requestId: "r1", conversationId: "c1", agent: "writer" }, 60_000);
    const pieces = Array.from({ length: 200 }, (_, i) => `w${i} `);
    for (const piece of pieces) writer.append(piece);
    writer.nextStep();
    writer.append("Done ");
    writer.append("now.");
    await writer.close();
    writer.append("after the end");
    await settle();
    expect(forRequest("r1")).toEqual([
      { type: "draft", requestId: "r1", conversationId: "c1", agent: "writer", step: 1, text: pieces.join(""), seq: 1 },
      { type: "draft", requestId: "r1", conversationId: "c1", agent: "writer", step: 2, text: "Done now.", seq: 2 },
    ]);
  });

  it("publish on their own after the interval while the model is still writing", async () => {
    const writer = draftWriter(WORKSPACE, { requestId: "r2", conversationId: "c1", agent: "writer" }, 20);
    writer.append("Hel");
    writer.append("lo");
    await eventually(async () => forRequest("r2").length === 1);
    expect(forRequest("r2")[0]).toMatchObject({ text: "Hello", step: 1, seq: 1 });
    await writer.close();
    await settle();
    // Nothing new since the timer's event: close publishes nothing more.
    expect(forRequest("r2")).toHaveLength(1);
  });

  it("drop unpublished text when the turn failed", async () => {
    const writer = draftWriter(WORKSPACE, { requestId: "r3", conversationId: "c1", agent: "writer" }, 60_000);
    writer.append("Half an ans");
    await writer.close({ publishPending: false });
    await settle();
    expect(forRequest("r3")).toEqual([]);
  });
});
