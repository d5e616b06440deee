import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  anthropicError,
  anthropicStream,
  anthropicText,
  anthropicToolUse,
  startFakeLlm,
  type FakeLlm,
} from "../../../test/support/fake-llm";
import { ProviderError } from "./http";
import { anthropicProvider } from "./anthropic";

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

describe("the Anthropic provider", () => {
  it("sends the messages API request with its headers and reads text", async () => {
    fake.script(anthropicText("Bonjour."));
    const answer = await anthropicProvider({ baseUrl: fake.url, apiKey: "sk-ant", retry: fast }).complete({
      model: "claude-x",
      system: "Be kind.",
      messages: [{ role: "user", content: "Hi" }],
      tools,
      maxTokens: 99,
    });
    expect(answer).toEqual({ text: "Bonjour.", toolCalls: [], stopReason: "end_turn", usage: { inputTokens: 9, outputTokens: 4 } });
    const [sent] = fake.requests;
    expect(sent).toMatchObject({ path: "/v1/messages", headers: { "x-api-key": "sk-ant", "anthropic-version": "2023-06-01" } });
    expect(sent!.body).toEqual({
      model: "claude-x",
      max_tokens: 99,
      system: "Be kind.",
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      tools: [{ name: "word-count", description: "Counts words.", input_schema: tools[0]!.parameters }],
    });
  });

  it("reads tool_use blocks and sends tool_result blocks back in a user turn", async () => {
    fake.script(anthropicToolUse("word-count", { text: "a b" }, "toolu_7"), anthropicText("Two words."));
    const llm = anthropicProvider({ baseUrl: fake.url, retry: fast });
    const first = await llm.complete({ model: "c", system: "", messages: [{ role: "user", content: "count" }], tools });
    expect(first).toMatchObject({
      text: "Let me check.",
      toolCalls: [{ id: "toolu_7", name: "word-count", arguments: { text: "a b" } }],
      stopReason: "tool_use",
    });
    const second = await llm.complete({
      model: "c",
      system: "",
      messages: [
        { role: "user", content: "count" },
        { role: "assistant", content: first.text, toolCalls: first.toolCalls },
        { role: "tool", toolCallId: "toolu_7", name: "word-count", content: '{"words":2}' },
      ],
      tools,
    });
    expect(second.text).toBe("Two words.");
    expect(fake.requests[1]!.body.max_tokens).toBe(1024);
    expect(fake.requests[1]!.body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "count" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me check." },
          { type: "tool_use", id: "toolu_7", name: "word-count", input: { text: "a b" } },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_7", content: '{"words":2}' }] },
    ]);
  });

  it("retries an overloaded 529 and reports a 400 with Anthropic's message", async () => {
    fake.script(anthropicError(529, "Overloaded"), anthropicText("ok"));
    expect(
      (
        await anthropicProvider({ baseUrl: fake.url, retry: fast }).complete({
          model: "c",
          system: "",
          messages: [{ role: "user", content: "x" }],
          tools: [],
        })
      ).text,
    ).toBe("ok");
    fake.script(anthropicError(400, "max_tokens: must be positive"));
    const error = await anthropicProvider({ baseUrl: fake.url, retry: fast })
      .complete({ model: "c", system: "", messages: [{ role: "user", content: "x" }], tools: [] })
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe("anthropic answered 400: max_tokens: must be positive (invalid_request_error)");
  });

  it("streams: text pieces to onText, a tool_use assembled from its JSON pieces", async () => {
    fake.script(anthropicStream(["Let ", "me check."], { id: "toolu_s", name: "word-count", jsonParts: ['{"text"', ': "a b c"}'] }));
    const seen: string[] = [];
    const answer = await anthropicProvider({ baseUrl: fake.url, retry: fast }).complete({
      model: "claude-x",
      system: "",
      messages: [{ role: "user", content: "count" }],
      tools,
      stream: true,
      onText: (delta) => seen.push(delta),
    });
    expect(fake.requests[0]!.body.stream).toBe(true);
    expect(seen).toEqual(["Let ", "me check."]);
    expect(answer).toEqual({
      text: "Let me check.",
      toolCalls: [{ id: "toolu_s", name: "word-count", arguments: { text: "a b c" } }],
      stopReason: "tool_use",
      usage: { inputTokens: 7, outputTokens: 6 },
    });
  });

  it("fails with a clear reason when the stream breaks off or sends an error event", async () => {
    fake.script(
      { ...anthropicStream(["Half ", "an ", "answer"]), breakAfter: 3 },
      {
        sse: [
          { type: "message_start", message: {} },
          { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
        ],
      },
    );
    const llm = anthropicProvider({ baseUrl: fake.url, retry: fast });
    const ask = () =>
      llm
        .complete({ model: "claude-x", system: "", messages: [{ role: "user", content: "hi" }], tools: [], stream: true })
        .catch((e: unknown) => e);
    const broken = await ask();
    expect(broken).toBeInstanceOf(ProviderError);
    expect((broken as ProviderError).message).toContain("the streamed answer broke off after 3 events");
    expect(((await ask()) as ProviderError).message).toContain("Overloaded (overloaded_error)");
  });
});
