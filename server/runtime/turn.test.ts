import { describe, expect, it } from "vitest";
import type { AgentConfig } from "../agents/schema";
import { validateAgentSource } from "../agents/validate";
import { noMemory } from "./default-ports";
import type { Clock, Delegation, DraftWriter, TurnPorts, TurnRecording, TurnTool, TurnToolRun } from "./ports";
import { ProviderError } from "./providers/http";
import type { Completion, CompletionRequest, LlmProvider } from "./providers/types";
import { createRecorder } from "./recording";
import { replayPorts, ReplayError } from "./replay";
import { runTurn } from "./turn";

// A turn with scripted ports only: no database, Redis, queue, sandbox or network is
// touched (this file imports none of them), yet the whole tool-calling loop runs.

const KEY = "sk-unit-0123456789-abcdefghij";

const agent = (source: string): { agentName: string; config: AgentConfig } => {
  const parsed = validateAgentSource(source);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return { agentName: parsed.config.name, config: parsed.config };
};

const llmAgent = (extra = "", llm = "") =>
  agent(`name = "planner"
version = "1.0.0"
description = "Plans with tools."
capabilities = ["plan"]
tools = ["word-count"]
system_prompt = "You plan."
user_prompt_template = "Request: {{request}}\\nEarlier:\\n{{context}}"
${extra}

[llm]
provider = "openai"
model = "scripted-model"
api_key_secret = "MODEL_KEY"
temperature = 0.3
${llm}
`);

const completion = (partial: Partial<Completion>): Completion => ({
  text: "",
  toolCalls: [],
  stopReason: partial.toolCalls?.length ? "tool_calls" : "stop",
  ...partial,
});

/** A clock whose timers fire only when the test says so. */
function manualClock(): Clock & { fire(): void; pending(): number } {
  let now = 1_000;
  const timers = new Set<() => void>();
  return {
    now: () => (now += 1),
    after(_ms, fire) {
      timers.add(fire);
      return () => timers.delete(fire);
    },
    fire() {
      for (const fire of [...timers]) fire();
      timers.clear();
    },
    pending: () => timers.size,
  };
}

interface Scripted {
  ports: TurnPorts;
  requests: CompletionRequest[];
  opened: { apiKey?: string }[];
  asked: { capability: string; content: unknown }[];
  ran: { tool: string; input: unknown }[];
  drafts: string[];
  clock: ReturnType<typeof manualClock>;
}

function scriptedPorts(
  script: ((request: CompletionRequest) => Completion | Promise<Completion>)[],
  options: { delegation?: (capability: string) => Delegation; tool?: (input: unknown) => TurnToolRun } = {},
): Scripted {
  const requests: CompletionRequest[] = [];
  const opened: { apiKey?: string }[] = [];
  const asked: Scripted["asked"] = [];
  const ran: Scripted["ran"] = [];
  const drafts: string[] = [];
  const clock = manualClock();
  const model: LlmProvider = {
    async complete(request) {
      // A copy: the turn keeps appending to its messages.
      requests.push({ ...request, messages: [...request.messages] });
      const next = script[requests.length - 1];
      if (!next) throw new Error(`the script has no model call ${requests.length}`);
      return next(request);
    },
  };
  const wordCount: TurnTool = {
    id: "tool-1",
    versionId: "tool-1-v1",
    name: "word-count",
    description: "Counts words.",
    inputSchema: { type: "object", properties: { text: { type: "string" } } },
  };
  const draft: DraftWriter = { append: (delta) => void drafts.push(delta), nextStep: () => void drafts.push("|"), close: async () => {} };
  const ports: TurnPorts = {
    model: {
      open(spec) {
        opened.push({ apiKey: spec.apiKey });
        return model;
      },
    },
    tools: {
      find: async (names) => names.map((name) => (name === wordCount.name ? wordCount : null)),
      run: async (tool, input) => {
        ran.push({ tool: tool.name, input });
        if (options.tool) return options.tool(input);
        const text = String((input as { text?: unknown }).text ?? "");
        return { ok: true, output: { words: text.split(/\s+/).filter(Boolean).length }, invocationId: `inv-${ran.length}` };
      },
    },
    delegation: {
      ask: async (capability, content) => {
        asked.push({ capability, content });
        return options.delegation?.(capability) ?? { ok: true, agent: "helper", content: `help with ${String(content)}` };
      },
    },
    drafts: { open: () => draft },
    history: { earlier: async () => [{ senderLabel: "alice", performative: "REQUEST", content: "earlier question" }] },
    secrets: {
      read: async (name) => {
        return name === "MODEL_KEY" ? KEY : null;
      },
    },
    memory: noMemory,
    clock,
    recorder: createRecorder(),
  };
  return { ports, requests, opened, asked, ran, drafts, clock };
}

const toolThenAskThenAnswer = [
  () =>
    completion({
      text: "Counting first.",
      toolCalls: [{ id: "c1", name: "word-count", arguments: { text: "one two three" } }],
      usage: { inputTokens: 10, outputTokens: 5 },
    }),
  () =>
    completion({
      toolCalls: [{ id: "c2", name: "ask", arguments: { capability: "summarize", request: "three words" } }],
      usage: { inputTokens: 20, outputTokens: 6 },
    }),
  (request: CompletionRequest) => {
    request.onText?.("Done: ");
    request.onText?.("3 words.");
    return completion({ text: "Done: 3 words.", usage: { inputTokens: 30, outputTokens: 7 } });
  },
];

describe("runTurn with scripted ports", () => {
  it("runs an LLM agent through a scripted model, tool and delegation, with no services", async () => {
    const scripted = scriptedPorts(toolThenAskThenAnswer);
    const result = await runTurn({ agent: llmAgent(), content: "How many words in: one two three?" }, scripted.ports);

    expect(result).toMatchObject({ performative: "INFORM", content: "Done: 3 words." });
    expect(scripted.opened).toEqual([{ apiKey: KEY }]);
    expect(scripted.ran).toEqual([{ tool: "word-count", input: { text: "one two three" } }]);
    expect(scripted.asked).toEqual([{ capability: "summarize", content: "three words" }]);
    // The prompt from the template, with the history port's messages as {{context}}.
    expect(scripted.requests[0]).toMatchObject({
      model: "scripted-model",
      system: "You plan.",
      temperature: 0.3,
      stream: true,
      messages: [{ role: "user", content: "Request: How many words in: one two three?\nEarlier:\nalice (REQUEST): earlier question" }],
    });
    expect(scripted.requests[0]!.tools.map((t) => t.name)).toEqual(["word-count", "ask"]);
    // Each tool's answer went back to the model.
    expect(scripted.requests[2]!.messages.filter((m) => m.role === "tool").map((m) => m.content)).toEqual([
      JSON.stringify({ words: 3 }),
      JSON.stringify({ agent: "helper", content: "help with three words" }),
    ]);
    expect(scripted.drafts).toEqual(["|", "|", "Done: ", "3 words."]);

    const trace = result.trace as unknown as { steps: unknown; usage: unknown; recording: TurnRecording };
    expect(trace.steps).toEqual([
      { tool: "word-count", input: { text: "one two three" }, output: { words: 3 }, invocationId: "inv-1" },
      {
        tool: "ask",
        input: { capability: "summarize", request: "three words" },
        output: { agent: "helper", content: "help with three words" },
      },
    ]);
    expect(trace.usage).toEqual({ inputTokens: 60, outputTokens: 18 });
    const { recording } = trace;
    expect(recording.calls.map((c) => c.kind)).toEqual(["model", "tool", "model", "delegation", "model"]);
    expect(recording.model).toEqual({ model: "scripted-model", system: "You plan.", temperature: 0.3 });
    expect(recording.tools.map((t) => t.name)).toEqual(["word-count", "ask"]);
    // Each model call keeps only the messages new since the previous one.
    expect(recording.calls[2]).toMatchObject({
      kind: "model",
      request: { from: 1, messages: [{ role: "assistant" }, { role: "tool", toolCallId: "c1" }] },
    });
    expect(recording.calls[4]).toMatchObject({
      kind: "model",
      response: { text: "Done: 3 words.", stopReason: "stop", usage: { inputTokens: 30, outputTokens: 7 } },
    });
    expect(recording.calls[1]).toMatchObject({
      kind: "tool",
      call: { name: "word-count", arguments: { text: "one two three" } },
      run: { ok: true, output: { words: 3 }, invocationId: "inv-1" },
    });
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it("rebuilds every model, tool and delegation answer from the recording alone", async () => {
    const original = await runTurn(
      { agent: llmAgent(), content: "How many words in: one two three?" },
      scriptedPorts(toolThenAskThenAnswer).ports,
    );
    const recording = JSON.parse(JSON.stringify((original.trace as unknown as { recording: TurnRecording }).recording)) as TurnRecording;
    const replay = replayPorts(recording, {
      history: [{ senderLabel: "alice", performative: "REQUEST", content: "earlier question" }],
      provider: "openai",
    });
    const replayed = await runTurn({ agent: llmAgent(), content: "How many words in: one two three?" }, replay.ports);

    expect(replayed.content).toEqual(original.content);
    expect((replayed.trace as { steps: unknown }).steps).toEqual((original.trace as { steps: unknown }).steps);
    expect(replay.divergences).toEqual([]);
    expect(replay.unused()).toBe(0);
    const calls = (t: unknown) => (t as { recording: TurnRecording }).recording.calls.map(({ durationMs: _d, ...rest }) => rest);
    expect(calls(replayed.trace)).toEqual(calls(original.trace));
  });

  it("lists where another version of the agent asks differently, answering from the recording", async () => {
    const original = await runTurn(
      { agent: llmAgent(), content: "How many words in: one two three?" },
      scriptedPorts(toolThenAskThenAnswer).ports,
    );
    const replay = replayPorts((original.trace as unknown as { recording: TurnRecording }).recording);
    const edited = llmAgent().config;
    const replayed = await runTurn(
      {
        agent: { agentName: "planner", config: { ...edited, system_prompt: "You plan carefully." } },
        content: "How many words in: one two three?",
      },
      replay.ports,
    );
    expect(replayed.content).toBe("Done: 3 words.");
    expect(replay.divergences).toContain("model call 1: the model or its parameters differ from the recorded ones");
    expect(replay.divergences).toContain("model call 1: the messages differ from the recorded ones");
  });

  it("replays a provider's failure as the same FAILURE reply", async () => {
    const failing = [
      () => {
        throw new ProviderError("openai", 401, "invalid key", 1);
      },
    ];
    const original = await runTurn({ agent: llmAgent(), content: "hi" }, scriptedPorts(failing).ports);
    expect(original.performative).toBe("FAILURE");
    const recording = (original.trace as unknown as { recording: TurnRecording }).recording;
    // The key the turn read reached the model port and is not part of the recorded request.
    expect(JSON.stringify(recording)).not.toContain(KEY);
    expect(recording.calls[0]).toMatchObject({
      kind: "model",
      error: { name: "ProviderError", message: "openai answered 401: invalid key" },
    });
    const replayed = await runTurn({ agent: llmAgent(), content: "hi" }, replayPorts(recording, { provider: "openai" }).ports);
    expect(replayed.performative).toBe("FAILURE");
    expect((replayed.content as { reason: string }).reason).toBe(
      'The openai provider failed for agent "planner": openai answered 401: invalid key',
    );
  });

  it("is bounded by one AbortSignal fired at [limits] timeout_ms", async () => {
    let seen: AbortSignal | undefined;
    const hanging = [
      (request: CompletionRequest) => {
        seen = request.signal;
        return new Promise<Completion>(() => {});
      },
    ];
    const scripted = scriptedPorts(hanging);
    const turn = runTurn({ agent: llmAgent("[limits]\ntimeout_ms = 5000"), content: "hi" }, scripted.ports);
    await expect.poll(() => scripted.requests.length).toBe(1);
    expect(seen?.aborted).toBe(false);
    scripted.clock.fire();
    const result = await turn;
    expect(seen?.aborted).toBe(true);
    expect(result).toMatchObject({
      performative: "FAILURE",
      content: { reason: 'Agent "planner" did not finish within its time limit ([limits] timeout_ms = 5000).' },
    });
  });

  it("replays a turn that ran out of time, during a model call or a tool run, to the same FAILURE", async () => {
    const agentWithLimit = llmAgent("[limits]\ntimeout_ms = 5000");
    const hangingModel = scriptedPorts([
      (request) =>
        new Promise<Completion>((_resolve, reject) => request.signal?.addEventListener("abort", () => reject(request.signal?.reason))),
    ]);
    const hangingTool = scriptedPorts([() => completion({ toolCalls: [{ id: "c1", name: "word-count", arguments: { text: "a" } }] })], {
      tool: () => new Promise<never>(() => {}) as unknown as TurnToolRun,
    });
    for (const scripted of [hangingModel, hangingTool]) {
      const turn = runTurn({ agent: agentWithLimit, content: "hi" }, scripted.ports);
      await expect.poll(() => scripted.requests.length).toBe(1);
      if (scripted === hangingTool) await expect.poll(() => scripted.ran.length).toBe(1);
      scripted.clock.fire();
      const original = await turn;
      const recording = (original.trace as unknown as { recording: TurnRecording }).recording;
      expect(recording.timedOut).toBe(true);
      const replay = replayPorts(JSON.parse(JSON.stringify(recording)) as TurnRecording, {
        history: [{ senderLabel: "alice", performative: "REQUEST", content: "earlier question" }],
      });
      const replayed = await runTurn({ agent: agentWithLimit, content: "hi" }, replay.ports);
      expect(replayed.content).toEqual(original.content);
      expect((replayed.trace as unknown as { steps: unknown }).steps).toEqual((original.trace as unknown as { steps: unknown }).steps);
      expect(replay.divergences).toEqual([]);
    }
  });

  it("cancels its timer when it ends", async () => {
    const scripted = scriptedPorts([() => completion({ text: "quick" })]);
    await runTurn({ agent: llmAgent(), content: "hi" }, scripted.ports);
    expect(scripted.clock.pending()).toBe(0);
  });

  it("offers no `ask` without a delegation port, and does not stream without a drafts port", async () => {
    const scripted = scriptedPorts([() => completion({ text: "ok" })]);
    await runTurn({ agent: llmAgent(), content: "hi" }, { ...scripted.ports, delegation: null, drafts: null });
    expect(scripted.requests[0]!.tools.map((t) => t.name)).toEqual(["word-count"]);
    expect(scripted.requests[0]!.stream).toBeUndefined();
  });

  it("runs a tool agent through the tools port", async () => {
    const scripted = scriptedPorts([]);
    const counter = agent(`name = "counter"
version = "1.0.0"
description = "Counts."
capabilities = ["count"]

[handler]
tool = "word-count"
`);
    expect(await runTurn({ agent: counter, content: "a b" }, scripted.ports)).toEqual({ performative: "INFORM", content: { words: 2 } });
    expect(scripted.ran).toEqual([{ tool: "word-count", input: { text: "a b" } }]);
    expect(scripted.requests).toEqual([]);
  });
});

describe("the recording's bounds", () => {
  it("cuts a big tool output with a marker, and a replay refuses to pass the cut value off as whole", async () => {
    const big = "x".repeat(50_000);
    const scripted = scriptedPorts(
      [() => completion({ toolCalls: [{ id: "c1", name: "word-count", arguments: { text: "a" } }] }), () => completion({ text: "done" })],
      { tool: () => ({ ok: true, output: { big }, invocationId: "inv-big" }) },
    );
    const result = await runTurn({ agent: llmAgent(), content: "hi" }, scripted.ports);
    const recording = (result.trace as unknown as { recording: TurnRecording }).recording;
    const tool = recording.calls.find((c) => c.kind === "tool")!;
    expect(tool.truncated).toBe(true);
    const output = (tool as { run: { output: { big: string } } }).run.output.big;
    expect(output.length).toBeLessThan(33_000);
    expect(output).toMatch(/…\[cut by Caxton: 18000 more characters\]$/);
    expect(recording.truncated).toMatchObject({ values: 2 });
    await expect(runTurn({ agent: llmAgent(), content: "hi" }, replayPorts(recording).ports)).rejects.toThrow(ReplayError);
  });

  it("keeps the first calls within its budget and counts the rest", async () => {
    const recorder = createRecorder({ limits: { maxCalls: 2 } });
    for (let i = 0; i < 5; i++) recorder.tool({ id: `c${i}`, name: "t", arguments: {} })({ ok: true, output: i, invocationId: `i${i}` }, 1);
    const recording = recorder.recording();
    expect(recording.calls).toHaveLength(2);
    expect(recording.truncated).toEqual({ values: 0, droppedCalls: 3 });
    const sized = createRecorder({ limits: { maxChars: 2_000 } });
    for (let i = 0; i < 50; i++)
      sized.tool({ id: `c${i}`, name: "t", arguments: { text: "y".repeat(100) } })({ ok: true, output: i, invocationId: `i${i}` }, 1);
    expect(JSON.stringify(sized.recording()).length).toBeLessThan(2_500);
    expect(sized.recording().truncated?.droppedCalls).toBeGreaterThan(0);
  });
});
