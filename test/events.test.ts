import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { pushAgent } from "../server/agents/agents";
import { listConversations, sendMessage } from "../server/messaging/messages";
import { HEARTBEAT_MS, eventStreamResponse } from "../server/messaging/event-stream";
import { eventsChannel } from "../server/messaging/events";
import { createRedis, quietQuit } from "../server/redis";
import { readEvents } from "./support/sse";
import { startCaxton, eventually, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createSessionFor, createWorkspaceWithRoles, type TestToken, type WorkspaceFixture } from "./support/identity";

// Live events over SSE: a token's stream sees a request go queued → running → answered and
// its INFORM reply; other workspaces and bad credentials are refused; a stream that ends
// releases its Redis subscriber.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let ws: WorkspaceFixture;
let token: TestToken;

const toolAgent = `name = "events-counter"
version = "1.0.0"
description = "Counts words with the word-count tool."
capabilities = ["count-words"]

[handler]
tool = "word-count"
`;

interface StreamEvent {
  type: string;
  message: { id: string; performative: string; status: string; inReplyTo: string | null; content: unknown };
}

beforeAll(async () => {
  environment = await useTestEnvironment("events");
  caxton = await startCaxton(environment.env);
  ws = await createWorkspaceWithRoles("events");
  token = await ws.token("owner");
  await pushAgent(await ws.actor("owner"), toolAgent);
});
afterAll(async () => {
  await caxton?.stop();
  await environment?.cleanup();
});

describe("GET /api/events", () => {
  it("streams a request's states and its reply, in order, then releases the subscriber on disconnect", async () => {
    const abort = new AbortController();
    const response = await fetch(`${caxton.url}/api/events`, { headers: { authorization: token.authorization }, signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("cache-control")).toContain("no-store");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    const stream = readEvents<StreamEvent>(response);

    const redis = createRedis("producer", environment.env.REDIS_URL);
    const channel = eventsChannel(ws.workspace.id);
    try {
      const subscribers = async () => ((await redis.pubsub("NUMSUB", channel)) as [string, number])[1];
      expect(await eventually(async () => (await subscribers()) === 1)).toBe(true);

      const sent = await fetch(`${caxton.url}/api/v1/messages`, {
        method: "POST",
        headers: { authorization: token.authorization, "content-type": "application/json" },
        body: JSON.stringify({ capability: "count-words", content: "four small words here", wait: 0 }),
      });
      const { message } = (await sent.json()) as { message: { id: string } };

      await eventually(async () => stream.events.some((e) => e.message.id === message.id && e.message.status === "answered"), 15_000);
      const own = stream.events.filter((e) => e.message.id === message.id || e.message.inReplyTo === message.id);
      expect(own.every((e) => e.type === "message")).toBe(true);
      expect(own.map((e) => `${e.message.performative}:${e.message.status}`)).toEqual([
        "REQUEST:queued",
        "REQUEST:running",
        "INFORM:answered",
        "REQUEST:answered",
      ]);
      expect(own[2]!.message.content).toMatchObject({ words: 4 });
      expect(stream.retry()).toBeDefined();
      expect(stream.comments[0]).toContain("connected");

      abort.abort();
      await stream.done;
      await eventually(async () => (await subscribers()) === 0, 10_000);
    } finally {
      await quietQuit(redis);
    }
  });

  it("refuses a missing or invalid token with 401, and another workspace's session with 404", async () => {
    expect((await fetch(`${caxton.url}/api/events`)).status).toBe(401);
    expect((await fetch(`${caxton.url}/api/events`, { headers: { authorization: "Bearer cx_notatoken" } })).status).toBe(401);
    expect((await fetch(`${caxton.url}/api/events`, { headers: { authorization: `Bearer cx_${"a".repeat(32)}` } })).status).toBe(401);
    expect((await fetch(`${caxton.url}/api/events?workspace=${ws.workspace.slug}`)).status).toBe(401);

    const outsider = await createWorkspaceWithRoles("events-outsider");
    const session = await createSessionFor(outsider.users.owner.id);
    const refused = await fetch(`${caxton.url}/api/events?workspace=${ws.workspace.slug}`, { headers: { cookie: session.cookie } });
    expect(refused.status).toBe(404);

    // The same session streams its own workspace.
    const abort = new AbortController();
    const own = await fetch(`${caxton.url}/api/events?workspace=${outsider.workspace.slug}`, {
      headers: { cookie: session.cookie },
      signal: abort.signal,
    });
    expect(own.status).toBe(200);
    abort.abort();
  });
});

describe("the stream itself (in process)", () => {
  it("sends a heartbeat comment every 15 s, and lets its subscriber go when the request is aborted", async () => {
    const redis = createRedis("producer", environment.env.REDIS_URL);
    const subscribers = async () => ((await redis.pubsub("NUMSUB", eventsChannel(ws.workspace.id))) as [string, number])[1];
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const abort = new AbortController();
      const request = new Request("http://caxton.test/api/events", {
        headers: { authorization: token.authorization },
        signal: abort.signal,
      });
      const response = await eventStreamResponse(request, async () => null);
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      expect((await reader.read()).value).toMatch(/^retry: 3000\n: connected to /);
      expect(await subscribers()).toBe(1);
      vi.advanceTimersByTime(HEARTBEAT_MS);
      expect((await reader.read()).value).toMatch(/^: heartbeat \S+\n\n$/);
      abort.abort();
      expect((await reader.read()).done).toBe(true);
      await eventually(async () => (await subscribers()) === 0);
    } finally {
      vi.useRealTimers();
      await quietQuit(redis);
    }
  });
});

describe("listConversations (the Conversations page)", () => {
  it("lists newest first, a page at a time, filtered by capability, answering agent and status", async () => {
    const owner = await ws.actor("owner");
    const failed = await sendMessage(owner, { capability: "count-wordz", content: "nobody offers this", wait: 15 });
    expect(failed.message.status).toBe("failed");
    const answered = await sendMessage(owner, { capability: "count-words", content: "one two", wait: 15 });
    expect(answered.message.status).toBe("answered");

    const first = await listConversations(owner, {}, { limit: 1 });
    expect(first.items.map((c) => c.id)).toEqual([answered.message.conversationId]);
    expect(first.items[0]).toMatchObject({
      subject: "count-words",
      messageCount: 2,
      last: { performative: "INFORM", sender: { label: "events-counter" } },
    });
    const second = await listConversations(owner, {}, { limit: 1, cursor: first.nextCursor! });
    expect(second.items.map((c) => c.id)).toEqual([failed.message.conversationId]);

    const ids = async (filter: Parameters<typeof listConversations>[1]) =>
      (await listConversations(owner, filter, { limit: 50 })).items.map((c) => c.id);
    expect(await ids({ status: "failed" })).toEqual([failed.message.conversationId]);
    expect(await ids({ capability: "count-wordz" })).toEqual([failed.message.conversationId]);
    expect(await ids({ agent: "events-counter", status: "answered" })).toContain(answered.message.conversationId);
    expect(await ids({ agent: "events-counter" })).not.toContain(failed.message.conversationId);
    expect(await ids({ agent: "nobody" })).toEqual([]);

    // Another workspace sees none of them.
    const outsider = await createWorkspaceWithRoles("events-lister");
    expect((await listConversations(await outsider.actor("viewer"), {}, { limit: 50 })).items).toEqual([]);
  });
});
