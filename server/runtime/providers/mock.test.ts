import { describe, expect, it } from "vitest";
import type { MockScriptEntry } from "../../agents/schema";
import { MockScriptError, mockProvider } from "./mock";
import type { ChatMessage, Completion } from "./types";

// The scripted mock on its own: which entry each model call takes, what its placeholders
// become, and what happens when the script runs out or cannot be followed.

const script: MockScriptEntry[] = [
  { call: "ask", input: { capability: "count-words", request: "{{request}}" } },
  { call: "text-stats", input: { text: "{{ request }}", words: "{{result.1.content.words}}", note: "asked {{result.1.agent}}" } },
  { reply: "{{result.1.content.words}} words; {{result.2.sentences}} sentence(s); all: {{result.2}}" },
];

const mock = (entries: MockScriptEntry[] | null = script, request = "one two three.") =>
  mockProvider({ agentName: "combiner", request, script: entries ?? undefined });
const ask = (llm: ReturnType<typeof mock>, messages: ChatMessage[]) => llm.complete({ model: "scripted", system: "", messages, tools: [] });

/** The conversation after the model asked `call` and the tool answered `result`. */
const after = (messages: ChatMessage[], answer: Completion, result: unknown): ChatMessage[] => [
  ...messages,
  { role: "assistant", content: answer.text, toolCalls: answer.toolCalls },
  ...answer.toolCalls.map((c): ChatMessage => ({ role: "tool", toolCallId: c.id, name: c.name, content: JSON.stringify(result) })),
];

describe("the mock provider", () => {
  it("follows its script: one entry per model call, placeholders filled from the request and earlier results", async () => {
    const llm = mock();
    let messages: ChatMessage[] = [{ role: "user", content: "a prompt rendered from a template" }];
    const first = await ask(llm, messages);
    expect(first).toEqual({
      text: "",
      toolCalls: [{ id: "mock_call_1", name: "ask", arguments: { capability: "count-words", request: "one two three." } }],
      stopReason: "tool_calls",
    });

    messages = after(messages, first, { agent: "word-counter", content: { words: 3, lines: 1, chars: 14 } });
    const second = await ask(llm, messages);
    // A string that is only a placeholder keeps the value's type; text around it makes text.
    expect(second.toolCalls).toEqual([
      { id: "mock_call_2", name: "text-stats", arguments: { text: "one two three.", words: 3, note: "asked word-counter" } },
    ]);

    messages = after(messages, second, { sentences: 1, words: 3 });
    const third = await ask(llm, messages);
    expect(third).toEqual({
      text: '[mock reply from combiner] 3 words; 1 sentence(s); all: {"sentences":1,"words":3}',
      toolCalls: [],
      stopReason: "stop",
    });
  });

  it("echoes the request, labelled, without a script or once the script is used up", async () => {
    expect((await ask(mock(null, "ping"), [{ role: "user", content: "ping" }])).text).toBe("[mock reply from combiner] ping");
    const short = mock([{ call: "ask", input: { capability: "echo", request: "x" } }], "pong");
    const first = await ask(short, [{ role: "user", content: "pong" }]);
    const next = await ask(short, after([{ role: "user", content: "pong" }], first, { agent: "e", content: "x" }));
    expect(next).toEqual({ text: "[mock reply from combiner] pong", toolCalls: [], stopReason: "stop" });
  });

  it("passes a tool's error on as the result, and fails clearly when a placeholder's field is not there", async () => {
    const llm = mock([{ call: "ask", input: { capability: "nobody", request: "x" } }, { reply: "{{result.1.content.words}}" }]);
    const first = await ask(llm, [{ role: "user", content: "x" }]);
    const failed = ask(llm, after([{ role: "user", content: "x" }], first, { error: "No agent offers nobody." }));
    await expect(failed).rejects.toBeInstanceOf(MockScriptError);
    await expect(failed).rejects.toThrow(
      '[[llm.script]] entry 2 uses {{result.1.content.words}}, but {{result.1}} has no field "content": it is {"error":"No agent offers nobody."}',
    );
  });

  it("refuses a placeholder it does not fill, or a result that has not arrived (a script that skipped validation)", async () => {
    await expect(ask(mock([{ reply: "{{answer}}" }]), [{ role: "user", content: "x" }])).rejects.toThrow(
      "[[llm.script]] entry 1 uses {{answer}}, which the mock does not fill",
    );
    await expect(ask(mock([{ reply: "{{result.1}}" }]), [{ role: "user", content: "x" }])).rejects.toThrow(
      "but only 0 calls have answered so far",
    );
  });

  it("fills a result that is plain text as it is", async () => {
    const llm = mock([{ call: "ask", input: { capability: "c", request: "x" } }, { reply: "<{{result.1}}>" }]);
    const first = await ask(llm, [{ role: "user", content: "x" }]);
    const messages: ChatMessage[] = [
      { role: "user", content: "x" },
      { role: "assistant", content: "", toolCalls: first.toolCalls },
      { role: "tool", toolCallId: "mock_call_1", name: "ask", content: "not json" },
    ];
    expect((await ask(llm, messages)).text).toBe("[mock reply from combiner] <not json>");
  });
});
