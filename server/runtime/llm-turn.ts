import type { Prisma } from "@prisma/client";
import { ASK_TOOL, ASK_USAGE, askArguments, askOutput } from "./ask";
import type { DraftWriter, HistoryEntry, TraceStep, Turn, TurnPorts, TurnResult, TurnTool } from "./ports";
import { ProviderError } from "./providers/http";
import type { ChatMessage, Completion, CompletionRequest, ToolCall, ToolSpec } from "./providers/types";

/**
 * An LLM agent's turn: the prompt from the agent's template, then up to `[limits] max_steps`
 * model calls, running the tools the model asks for (workspace tools, `ask` through the
 * delegation port) and feeding their results back. Everything outside the turn comes
 * through its ports (ports.ts), and one AbortSignal, fired at `[limits] timeout_ms`, bounds
 * it. The reply's `trace` shows every step and holds the turn's recording (recording.ts).
 * With `[llm] stream` (the default) each model call is streamed into the drafts port; the
 * stored reply is unchanged.
 */

const asText = (content: unknown) => (typeof content === "string" ? content : JSON.stringify(content));

/** The earlier messages of the conversation, oldest first, one per line. */
const contextOf = (earlier: HistoryEntry[]) => earlier.map((m) => `${m.senderLabel} (${m.performative}): ${asText(m.content)}`).join("\n");

export function renderPrompt(template: string | undefined, values: { request: string; context: string; memory: string }): string {
  if (!template) return values.request;
  return template.replace(/\{\{\s*(request|context|memory)\s*\}\}/g, (_m, key: keyof typeof values) => values[key]);
}

const failure = (reason: string, trace?: Prisma.InputJsonValue): TurnResult => ({
  performative: "FAILURE",
  content: { reason },
  ...(trace ? { trace } : {}),
});

export async function runLlmTurn({ agent, content }: Turn, ports: TurnPorts): Promise<TurnResult> {
  const { config, agentName } = agent;
  const llm = config.llm!;
  const kind = llm.provider;
  const { clock, recorder } = ports;
  let apiKey: string | undefined;
  if (llm.api_key_secret) {
    apiKey = (await ports.secrets.read(llm.api_key_secret)) ?? undefined;
    if (apiKey === undefined)
      return failure(
        `Agent "${agentName}" needs the secret "${llm.api_key_secret}" ([llm] api_key_secret), which this workspace does not have. Set it with PUT /api/v1/secrets/${llm.api_key_secret} { "value": "..." }.`,
      );
  }

  const found = await ports.tools.find(config.tools);
  const missing = config.tools.filter((_, i) => !found[i]);
  if (missing.length)
    return failure(
      `Agent "${agentName}" uses tool${missing.length > 1 ? "s" : ""} ${missing.map((t) => `"${t}"`).join(", ")}, not in this workspace. Upload ${missing.length > 1 ? "them" : "it"} or remove ${missing.length > 1 ? "them" : "it"} from \`tools\`.`,
    );
  const tools = new Map<string, TurnTool>(found.map((t) => [t!.name, t!]));
  const specs: ToolSpec[] = [...tools.values()].map((t) => ({ name: t.name, description: t.description, parameters: t.inputSchema }));
  // `ask` needs a request to delegate from (the port is null without one); a workspace tool named "ask" wins.
  const delegation = tools.has(ASK_TOOL.name) ? null : ports.delegation;
  if (delegation) specs.push(ASK_TOOL);

  const request = asText(content);
  const [earlier, memory] = await Promise.all([ports.history.earlier(), ports.memory.recall(request)]);
  const prompt = renderPrompt(config.user_prompt_template, { request, context: contextOf(earlier), memory });
  const client = ports.model.open({ llm, apiKey, agentName, request });
  const steps: TraceStep[] = [];
  const usage = { inputTokens: 0, outputTokens: 0 };
  const trace = (timedOut = false): Prisma.InputJsonValue => {
    const recording = { ...recorder.recording(), ...(timedOut ? { timedOut: true } : {}) };
    return {
      provider: kind,
      model: llm.model,
      steps: steps as unknown as Prisma.InputJsonValue,
      usage,
      recording: recording as unknown as Prisma.InputJsonValue,
    };
  };

  const deadline = clock.now() + config.limits.timeout_ms;
  const abort = new AbortController();
  const cancelTimer = clock.after(config.limits.timeout_ms, () =>
    abort.abort(new Error(`the turn took longer than [limits] timeout_ms = ${config.limits.timeout_ms}`)),
  );
  const timedOut = () =>
    failure(`Agent "${agentName}" did not finish within its time limit ([limits] timeout_ms = ${config.limits.timeout_ms}).`, trace(true));
  const timeout = new Promise<"timeout">((resolve) => abort.signal.addEventListener("abort", () => resolve("timeout"), { once: true }));

  const complete = async (completionRequest: CompletionRequest): Promise<Completion> => {
    const { signal: _signal, onText: _onText, ...recorded } = completionRequest;
    const finish = recorder.model(recorded);
    const started = clock.now();
    try {
      const response = await client.complete(completionRequest);
      finish({ response }, clock.now() - started);
      return response;
    } catch (error) {
      const { name, message } = error as Error;
      finish({ error: { name, message } }, clock.now() - started);
      throw error;
    }
  };

  const runCall = async (call: ToolCall): Promise<string> => {
    if (call.name === ASK_TOOL.name && delegation) {
      const asked = askArguments(call);
      if (!asked) {
        steps.push({ tool: "ask", input: call.arguments, diagnostic: { message: ASK_USAGE } });
        return JSON.stringify({ error: ASK_USAGE });
      }
      const finish = recorder.delegation(call);
      const started = clock.now();
      const answer = await delegation.ask(asked.capability, asked.question, {
        timeoutMs: Math.max(100, deadline - started),
        signal: abort.signal,
      });
      finish(answer, clock.now() - started);
      if (!answer.ok) {
        steps.push({ tool: "ask", input: call.arguments, diagnostic: { message: answer.reason } });
        return JSON.stringify({ error: answer.reason });
      }
      const output = askOutput(answer);
      steps.push({ tool: "ask", input: call.arguments, output });
      return JSON.stringify(output);
    }
    const tool = tools.get(call.name);
    if (!tool) {
      steps.push({ tool: call.name, input: call.arguments, diagnostic: { message: "no such tool" } });
      return JSON.stringify({ error: `There is no tool "${call.name}". Tools: ${specs.map((s) => s.name).join(", ") || "none"}.` });
    }
    const finish = recorder.tool(call);
    const started = clock.now();
    const run = await ports.tools.run(tool, call.arguments, abort.signal);
    finish(run, clock.now() - started);
    if (run.ok) {
      steps.push({ tool: call.name, input: call.arguments, output: run.output, invocationId: run.invocationId });
      return JSON.stringify(run.output);
    }
    steps.push({
      tool: call.name,
      input: call.arguments,
      diagnostic: run.diagnostic ?? { message: run.message },
      invocationId: run.invocationId,
    });
    return JSON.stringify({ error: run.message });
  };

  // A config stored before `stream` existed has no such key: it streams, like a new one.
  const draft: DraftWriter | null = llm.stream !== false && ports.drafts ? ports.drafts.open() : null;
  const streaming = draft ? { stream: true, onText: (delta: string) => draft.append(delta) } : {};

  const loop = async (): Promise<TurnResult> => {
    const messages: ChatMessage[] = [{ role: "user", content: prompt }];
    for (let step = 1; step <= config.limits.max_steps; step++) {
      if (step > 1) draft?.nextStep();
      const completion = await complete({
        model: llm.model,
        system: config.system_prompt ?? "",
        messages,
        tools: specs,
        temperature: llm.temperature,
        maxTokens: llm.max_tokens,
        signal: abort.signal,
        ...streaming,
      });
      usage.inputTokens += completion.usage?.inputTokens ?? 0;
      usage.outputTokens += completion.usage?.outputTokens ?? 0;
      if (!completion.toolCalls.length) return { performative: "INFORM", content: completion.text, trace: trace() };
      messages.push({ role: "assistant", content: completion.text, toolCalls: completion.toolCalls });
      for (const call of completion.toolCalls) {
        if (abort.signal.aborted) return timedOut();
        messages.push({ role: "tool", toolCallId: call.id, name: call.name, content: await runCall(call) });
      }
    }
    return failure(`Agent "${agentName}" used all ${config.limits.max_steps} steps ([limits] max_steps) without a final answer.`, trace());
  };

  let result: TurnResult | undefined;
  try {
    const outcome = await Promise.race([loop(), timeout]);
    result = outcome === "timeout" ? timedOut() : outcome;
  } catch (error) {
    if (abort.signal.aborted) result = timedOut();
    else if (error instanceof ProviderError)
      result = failure(`The ${kind} provider failed for agent "${agentName}": ${error.message}`, trace());
    else throw error;
  } finally {
    cancelTimer();
    // The last draft event (the whole answer) goes out before the reply is stored and published.
    await draft?.close({ publishPending: result?.performative === "INFORM" });
  }
  return result;
}
