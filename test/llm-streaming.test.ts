import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushAgent } from "../server/agents/agents";
import type { Actor } from "../server/auth/actor";
import { getDb } from "../server/db/client";
import type { DraftEvent } from "../server/messaging/draft-events";
import type { LiveEvent } from "../server/messaging/events";
import type { MessageView } from "../server/messaging/messages";
import { anthropicStream, openAiStream, openAiText, startFakeLlm, type FakeLlm, type RecordedRequest } from "./support/fake-llm";
import { readEvents } from "./support/sse";
import { eventually, startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createWorkspaceWithRoles, type TestToken, type WorkspaceFixture } from "./support/identity";

// Streamed LLM turns through the whole platform: the worker asks the fake vendor for a
// stream, the text arrives in timed chunks, draft events reach an SSE subscriber of
// /api/events before the reply, and the stored reply is the whole streamed text.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let fake: FakeLlm;
let ws: WorkspaceFixture;
let owner: Actor;
let token: TestToken;

const streamingAgent = (
  name: string,
  capability: string,
  options: { tools?: string[]; stream?: boolean; provider?: string } = {},
) => `name = "${name}"
version = "1.0.0"
description = "Answers with a language model, streamed."
capabilities = ["${capability}"]
tools = ${JSON.stringify(options.tools ?? [])}
system_prompt = "You are ${name}."

[llm]
provider = "${options.provider ?? "openai"}"
model = "fake-model"
base_url = "${fake.url}"
${options.stream === undefined ? "" : `stream = ${options.stream}`}
`;

/** Sends a request while following the workspace's events; resolves with the answer and every event about it. */
async function sendFollowing(capability: string, content: string) {
  const abort = new AbortController();
  const response = await fetch(`${caxton.url}/api/events`, { headers: { authorization: token.authorization }, signal: abort.signal });
  expect(response.status).toBe(200);
  const stream = readEvents<LiveEvent>(response);
  try {
    const sent = await fetch(`${caxton.url}/api/v1/messages`, {
      method: "POST",
      headers: { authorization: token.authorization, "content-type": "application/json" },
      body: JSON.stringify({ capability, content, wait: 20 }),
    });
    expect(sent.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
    const body = (await sent.json()) as { message: MessageView; replies: any[] };
    const requestId = body.message.id;
    const about = (e: LiveEvent) =>
      e.type === "draft" ? e.requestId === requestId : e.message.id === requestId || e.message.inReplyTo === requestId;
    await eventually(
      async () =>
        stream.events.some(
          (e) => e.type === "message" && e.message.id === requestId && e.message.status !== "running" && e.message.status !== "queued",
        ),
      15_000,
    );
    return { body, events: stream.events.filter(about) };
  } finally {
    abort.abort();
    await stream.done;
  }
}

const drafts = (events: LiveEvent[]) => events.filter((e): e is DraftEvent => e.type === "draft");
const replyIndex = (events: LiveEvent[]) => events.findIndex((e) => e.type === "message" && e.message.inReplyTo !== null);

beforeAll(async () => {
  environment = await useTestEnvironment("llm_streaming");
  caxton = await startCaxton(environment.env);
  fake = await startFakeLlm();
  ws = await createWorkspaceWithRoles("llm-streaming");
  owner = await ws.actor("owner");
  token = await ws.token("owner");
});
afterAll(async () => {
  await fake?.close();
  await caxton?.stop();
  await environment?.cleanup();
});

describe("streamed LLM turns", () => {
  it("stream by default: drafts with growing text come before the reply, which is the whole stream", async () => {
    await pushAgent(owner, streamingAgent("writer", "write"));
    fake.requests.length = 0;
    const parts = ["Streaming ", "means ", "the ", "dashboard ", "sees ", "each ", "word ", "as ", "it ", "comes."];
    fake.script({ ...openAiStream(parts), delayMs: 40 });
    const { body, events } = await sendFollowing("write", "Explain streaming");

    expect(fake.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const whole = parts.join("");
    expect(body.replies).toHaveLength(1);
    expect(body.replies[0]).toMatchObject({
      performative: "INFORM",
      content: whole,
      trace: { usage: { inputTokens: 3, outputTokens: 4 } },
    });

    const written = drafts(events);
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(written.every((d) => d.agent === "writer" && d.conversationId === body.message.conversationId && d.step === 1)).toBe(true);
    // Each draft holds all the text so far: a prefix of the next, and the last is the whole answer.
    for (let i = 1; i < written.length; i++) {
      expect(written[i]!.seq).toBeGreaterThan(written[i - 1]!.seq);
      expect(written[i]!.text.startsWith(written[i - 1]!.text)).toBe(true);
      expect(written[i]!.text.length).toBeGreaterThan(written[i - 1]!.text.length);
    }
    expect(written[0]!.text.length).toBeLessThan(whole.length);
    expect(written.at(-1)!.text).toBe(whole);
    // Every draft event comes before the reply's event; the reply is stored once.
    const reply = replyIndex(events);
    expect(reply).toBeGreaterThan(events.lastIndexOf(written.at(-1)!));
    const stored = await getDb().message.findMany({ where: { inReplyToId: body.message.id } });
    expect(stored.map((m) => [m.performative, m.content])).toEqual([["INFORM", whole]]);
  });

  it("still runs a tool whose call arrives in streamed pieces, and drafts each step", async () => {
    await pushAgent(owner, streamingAgent("stream-counter", "stream-count", { tools: ["word-count"] }));
    fake.requests.length = 0;
    fake.script(
      openAiStream(["Let me ", "count."], { id: "call_s1", name: "word-count", argumentParts: ['{"te', 'xt": "one ', "two thr", 'ee"}'] }),
      (request: RecordedRequest) => {
        const result = JSON.parse(
          (request.body.messages as { role: string; content: string }[]).filter((m) => m.role === "tool").at(-1)!.content,
        ) as { words: number };
        return openAiText(`There are ${result.words} words.`);
      },
    );
    const { body, events } = await sendFollowing("stream-count", "count: one two three");

    expect(body.replies[0]).toMatchObject({ performative: "INFORM", content: "There are 3 words." });
    expect(body.replies[0].trace.steps).toEqual([
      { tool: "word-count", input: { text: "one two three" }, output: { words: 3, lines: 1, chars: 13 }, invocationId: expect.any(String) },
    ]);
    // The second call carried the assembled tool call back, and was streamed too (a plain script, chunked by the fake).
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.body.stream).toBe(true);
    expect(fake.requests[1]!.body.messages.at(-2)).toMatchObject({
      role: "assistant",
      tool_calls: [{ id: "call_s1", function: { name: "word-count", arguments: JSON.stringify({ text: "one two three" }) } }],
    });

    const written = drafts(events);
    expect(written.filter((d) => d.step === 1).at(-1)?.text).toBe("Let me count.");
    expect(written.filter((d) => d.step === 2).at(-1)?.text).toBe("There are 3 words.");
    expect(replyIndex(events)).toBeGreaterThan(events.indexOf(written.at(-1)!));
  });

  it("answers FAILURE, with no half reply, when the provider breaks off mid-stream", async () => {
    await pushAgent(owner, streamingAgent("cut-off", "cut-off"));
    fake.requests.length = 0;
    fake.script({ ...openAiStream(["Half ", "an ", "answer ", "that ", "never ", "ends"]), breakAfter: 4 });
    const { body, events } = await sendFollowing("cut-off", "go");

    expect(body.replies).toHaveLength(1);
    expect(body.replies[0].performative).toBe("FAILURE");
    expect(body.replies[0].content.reason).toContain('The openai provider failed for agent "cut-off"');
    expect(body.replies[0].content.reason).toContain("the streamed answer broke off");
    expect(body.replies[0].content.reason).toContain("stream = false");
    expect(JSON.stringify(body.replies[0].content)).not.toContain("Half an");
    const stored = await getDb().message.findMany({ where: { inReplyToId: body.message.id } });
    expect(stored.map((m) => m.performative)).toEqual(["FAILURE"]);
    expect(body.message.status).toBe("failed");
    // Whatever draft went out before the break never grew into the whole text.
    expect(drafts(events).every((d) => !d.text.includes("ends"))).toBe(true);
  });

  it("stream Anthropic answers too", async () => {
    await pushAgent(owner, streamingAgent("claude-writer", "claude-write", { provider: "anthropic" }));
    fake.requests.length = 0;
    const parts = ["Claude ", "streams ", "its ", "text ", "as ", "text_delta ", "events."];
    fake.script({ ...anthropicStream(parts), delayMs: 40 });
    const { body, events } = await sendFollowing("claude-write", "stream please");

    expect(fake.requests[0]).toMatchObject({ path: "/v1/messages", body: { stream: true } });
    expect(body.replies[0]).toMatchObject({
      performative: "INFORM",
      content: parts.join(""),
      trace: { provider: "anthropic", usage: { inputTokens: 7, outputTokens: 6 } },
    });
    const written = drafts(events);
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(written.at(-1)!.text).toBe(parts.join(""));
    expect(replyIndex(events)).toBeGreaterThan(events.indexOf(written.at(-1)!));
  });

  it("does not stream with [llm] stream = false", async () => {
    await pushAgent(owner, streamingAgent("plain", "plain", { stream: false }));
    fake.requests.length = 0;
    fake.script(openAiText("A whole answer at once."));
    const { body, events } = await sendFollowing("plain", "hi");

    expect(body.replies[0]).toMatchObject({ performative: "INFORM", content: "A whole answer at once." });
    expect(fake.requests[0]!.body.stream).toBeUndefined();
    expect(drafts(events)).toEqual([]);
    expect(replyIndex(events)).toBeGreaterThanOrEqual(0);
  });
});
