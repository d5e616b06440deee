import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openAiError, openAiStream, openAiText, openAiToolCall, startFakeLlm, type FakeLlm } from "../../../test/support/fake-llm";
import { ProviderError } from "./http";
import { openAiProvider } from "./openai";

let fake: FakeLlm;
beforeAll(async () => (fake = await startFakeLlm()));
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

const fast = { attempts: 3, baseDelayMs: 5, maxRetryAfterMs: 50 };
const tools = [
  { name: "word-count", description: "Counts words.", parameters: { type: "object", properties: { text: { type: "string" } } } },
];

describe("the OpenAI-compatible provider", () => {
  it("sends a chat completion with the key, system prompt and tools, and reads a plain reply", async () => {
    fake.script(openAiText("Hello there."));
    const llm = openAiProvider({ baseUrl: fake.url, apiKey: "sk-test", retry: fast });
    const answer = await llm.complete({
      model: "m",
      system: "Be brief.",
      messages: [{ role: "user", content: "Hi" }],
      tools,
      temperature: 0.2,
      maxTokens: 50,
    });
    expect(answer).toEqual({ text: "Hello there.", toolCalls: [], stopReason: "stop", usage: { inputTokens: 10, outputTokens: 5 } });
    const [sent] = fake.requests;
    expect(sent).toMatchObject({ method: "POST", path: "/chat/completions", headers: { authorization: "Bearer sk-test" } });
    expect(sent!.body).toMatchObject({
      model: "m",
      temperature: 0.2,
      max_tokens: 50,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
      tools: [{ type: "function", function: { name: "word-count", description: "Counts words.", parameters: tools[0]!.parameters } }],
    });
    expect(sent!.body.stream).toBeUndefined();
  });

  it("reads a tool call, and sends the call and its result back on the next round", async () => {
    fake.script(openAiToolCall("word-count", { text: "a b c" }, "call_9"), openAiText("Three words."));
    const llm = openAiProvider({ baseUrl: fake.url, retry: fast });
    const first = await llm.complete({ model: "m", system: "", messages: [{ role: "user", content: "count" }], tools });
    expect(first.toolCalls).toEqual([{ id: "call_9", name: "word-count", arguments: { text: "a b c" } }]);
    expect(first.stopReason).toBe("tool_calls");
    const second = await llm.complete({
      model: "m",
      system: "",
      messages: [
        { role: "user", content: "count" },
        { role: "assistant", content: "", toolCalls: first.toolCalls },
        { role: "tool", toolCallId: "call_9", name: "word-count", content: '{"words":3}' },
      ],
      tools,
    });
    expect(second.text).toBe("Three words.");
    expect(fake.requests[1]!.body.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_9", type: "function", function: { name: "word-count", arguments: '{"text":"a b c"}' } }],
      },
      { role: "tool", tool_call_id: "call_9", content: '{"words":3}' },
    ]);
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();
  });

  it("assembles a streamed reply with a streamed tool call", async () => {
    fake.script(openAiStream(["Let me ", "count."], { id: "call_s", name: "word-count", argumentParts: ['{"te', 'xt": "one ', 'two"}'] }));
    const llm = openAiProvider({ baseUrl: fake.url, retry: fast });
    const answer = await llm.complete({ model: "m", system: "", messages: [{ role: "user", content: "count" }], tools, stream: true });
    expect(answer).toEqual({
      text: "Let me count.",
      toolCalls: [{ id: "call_s", name: "word-count", arguments: { text: "one two" } }],
      stopReason: "tool_calls",
      usage: { inputTokens: 3, outputTokens: 4 },
    });
    expect(fake.requests[0]!.body.stream).toBe(true);
  });

  it("assembles a streamed plain reply", async () => {
    fake.script(openAiStream(["Hel", "lo"]));
    const answer = await openAiProvider({ baseUrl: fake.url, retry: fast }).complete({
      model: "m",
      system: "",
      messages: [{ role: "user", content: "hi" }],
      tools: [],
      stream: true,
    });
    expect(answer).toMatchObject({ text: "Hello", toolCalls: [], stopReason: "stop" });
  });

  it("hands each streamed text piece to onText, in order, and not the tool-call pieces", async () => {
    fake.script(openAiStream(["Let ", "me ", "count."], { id: "call_t", name: "word-count", argumentParts: ['{"text": ', '"a b"}'] }));
    const seen: string[] = [];
    const answer = await openAiProvider({ baseUrl: fake.url, retry: fast }).complete({
      model: "m",
      system: "",
      messages: [{ role: "user", content: "count" }],
      tools,
      stream: true,
      onText: (delta) => seen.push(delta),
    });
    expect(seen).toEqual(["Let ", "me ", "count."]);
    expect(answer.toolCalls).toEqual([{ id: "call_t", name: "word-count", arguments: { text: "a b" } }]);
  });

  it("reads a plain JSON answer from a server that ignores stream, and still reports its text", async () => {
    fake.script({ ...openAiText("Not streamed."), asIs: true });
    const seen: string[] = [];
    const answer = await openAiProvider({ baseUrl: fake.url, retry: fast }).complete({
      model: "m",
      system: "",
      messages: [{ role: "user", content: "hi" }],
      tools: [],
      stream: true,
      onText: (delta) => seen.push(delta),
    });
    expect(answer.text).toBe("Not streamed.");
    expect(seen.join("")).toBe("Not streamed.");
  });

  it("fails with a clear reason, without retrying, when the stream breaks off", async () => {
    fake.script({ ...openAiStream(["Half ", "an ", "answer"]), breakAfter: 2 });
    const seen: string[] = [];
    const error = await openAiProvider({ baseUrl: fake.url, retry: fast })
      .complete({
        model: "m",
        system: "",
        messages: [{ role: "user", content: "hi" }],
        tools: [],
        stream: true,
        onText: (delta) => seen.push(delta),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toContain("the streamed answer broke off after 2 chunks");
    expect((error as ProviderError).message).toContain("stream = false");
    expect(seen).toEqual(["Half "]);
    expect(fake.requests).toHaveLength(1);
  });

  it("fails when the stream ends before the answer is complete", async () => {
    fake.script({ sse: [{ choices: [{ index: 0, delta: { content: "Cut" }, finish_reason: null }] }], noDone: true });
    const error = await openAiProvider({ baseUrl: fake.url, retry: fast })
      .complete({ model: "m", system: "", messages: [{ role: "user", content: "hi" }], tools: [], stream: true })
      .catch((e: unknown) => e);
    expect((error as ProviderError).message).toContain("the connection closed before the answer was complete");
  });

  it("retries a 429, honouring Retry-After, then succeeds", async () => {
    fake.script(openAiError(429, "Rate limit reached", { "retry-after": "0.02" }), openAiText("Finally."));
    const started = Date.now();
    const answer = await openAiProvider({ baseUrl: fake.url, retry: fast }).complete({
      model: "m",
      system: "",
      messages: [{ role: "user", content: "hi" }],
      tools: [],
    });
    expect(answer.text).toBe("Finally.");
    expect(fake.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it("gives up after three 500s with the provider's message", async () => {
    fake.script(
      openAiError(500, "The server had an error"),
      openAiError(500, "The server had an error"),
      openAiError(500, "The server had an error"),
    );
    const error = await openAiProvider({ baseUrl: fake.url, retry: fast })
      .complete({ model: "m", system: "", messages: [{ role: "user", content: "hi" }], tools: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).status).toBe(500);
    expect((error as Error).message).toBe("openai answered 500: The server had an error (server_error) (after 3 attempts)");
    expect(fake.requests).toHaveLength(3);
  });

  it("does not retry a 401, and names the reason", async () => {
    fake.script(openAiError(401, "Incorrect API key provided"));
    const error = await openAiProvider({ baseUrl: fake.url, retry: fast })
      .complete({ model: "m", system: "", messages: [{ role: "user", content: "hi" }], tools: [] })
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toContain("openai answered 401: Incorrect API key provided");
    expect(fake.requests).toHaveLength(1);
  });

  it("retries when the server cannot be reached, then explains", async () => {
    const error = await openAiProvider({ baseUrl: "http://127.0.0.1:1", retry: fast })
      .complete({ model: "m", system: "", messages: [{ role: "user", content: "hi" }], tools: [] })
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(/^openai could not be reached: .*127\.0\.0\.1:1.*\(after 3 attempts\)$/);
  });
});
