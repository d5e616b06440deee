import type { Prisma } from "@prisma/client";
import type { AgentConfig } from "../agents/schema";
import { getDb } from "../db/client";
import { draftWriter, type DraftWriter } from "../messaging/draft-events";
import { createLogger } from "../observability/logger";
import type { Provider } from "../routing/capabilities";
import { readSecretForRuntime } from "../secrets/secrets";
import { noteOpenedSecret } from "../secrets/values";
import { findAgentTools, runToolAsAgent, type AgentTool } from "./agent-tools";
import { ask, ASK_TOOL } from "./ask";
import { providerFor, ProviderError, type ChatMessage, type ToolCall, type ToolSpec } from "./providers";
import { mockProvider } from "./providers/mock";
import type { TurnRequest, TurnResult } from "./turn";

/**
 * An LLM agent's turn: the prompt from the agent's template, then up to `[limits] max_steps`
 * model calls, running the tools the model asks for (workspace tools in the sandbox, `ask`
 * through delegation) and feeding their results back. The reply's `trace` records every step.
 * With `[llm] stream` (the default) each model call is streamed, and the text is published
 * as draft events while it arrives (messaging/draft-events.ts); the stored reply is unchanged.
 */

export interface TraceStep {
  tool: string;
  input: unknown;
  output?: unknown;
  diagnostic?: unknown;
  invocationId?: string | null;
}

const logger = createLogger("turn");

const asText = (content: unknown) => (typeof content === "string" ? content : JSON.stringify(content));

/** The earlier messages of the conversation, oldest first, one per line. */
async function contextOf(request: TurnRequest | undefined): Promise<string> {
  if (!request) return "";
  const earlier = await getDb().message.findMany({
    where: { conversationId: request.conversationId, id: { not: request.id }, ...(request.createdAt ? { createdAt: { lt: request.createdAt } } : {}) },
    orderBy: { createdAt: "desc" },
    take: 50,
    select: { senderLabel: true, performative: true, content: true },
  });
  return earlier
    .reverse()
    .map((m) => `${m.senderLabel} (${m.performative}): ${asText(m.content)}`)
    .join("\n");
}

export function renderPrompt(template: string | undefined, values: { request: string; context: string; memory: string }): string {
  if (!template) return values.request;
  return template.replace(/\{\{\s*(request|context|memory)\s*\}\}/g, (_m, key: keyof typeof values) => values[key]);
}

const failure = (reason: string, trace?: Prisma.InputJsonValue): TurnResult => ({ performative: "FAILURE", content: { reason }, ...(trace ? { trace } : {}) });

export async function runLlmTurn(workspaceId: string, provider: Provider, content: unknown, request?: TurnRequest): Promise<TurnResult> {
  const config: AgentConfig = provider.config;
  const llm = config.llm!;
  const kind = llm.provider;
  let apiKey: string | undefined;
  if (llm.api_key_secret) {
    apiKey = (await readSecretForRuntime(workspaceId, llm.api_key_secret)) ?? undefined;
    // The reply is scrubbed of the workspace's values when stored: make sure this one is among them.
    if (apiKey !== undefined) await noteOpenedSecret(workspaceId, apiKey);
    if (apiKey === undefined)
      return failure(`Agent "${provider.agentName}" needs the secret "${llm.api_key_secret}" ([llm] api_key_secret), which this workspace does not have. Set it with PUT /api/v1/secrets/${llm.api_key_secret} { "value": "..." }.`);
  }

  const found = await findAgentTools(workspaceId, config.tools);
  const missing = config.tools.filter((_, i) => !found[i]);
  if (missing.length) return failure(`Agent "${provider.agentName}" uses tool${missing.length > 1 ? "s" : ""} ${missing.map((t) => `"${t}"`).join(", ")}, not in this workspace. Upload ${missing.length > 1 ? "them" : "it"} or remove ${missing.length > 1 ? "them" : "it"} from \`tools\`.`);
  const tools = new Map<string, AgentTool>(found.map((t) => [t!.name, t!]));
  const specs: ToolSpec[] = [...tools.values()].map((t) => ({ name: t.name, description: t.description, parameters: t.inputSchema }));
  // `ask` needs the request it would delegate from; a workspace tool named "ask" wins.
  if (request && !tools.has(ASK_TOOL.name)) specs.push(ASK_TOOL);

  const prompt = renderPrompt(config.user_prompt_template, { request: asText(content), context: await contextOf(request), memory: "" });
  const client = kind === "mock" ? mockProvider({ agentName: provider.agentName, request: asText(content), script: llm.script }) : providerFor(kind, { baseUrl: llm.base_url, apiKey });
  const steps: TraceStep[] = [];
  const usage = { inputTokens: 0, outputTokens: 0 };
  const trace = (): Prisma.InputJsonValue => ({ provider: kind, model: llm.model, steps: steps as unknown as Prisma.InputJsonValue, usage });

  const deadline = Date.now() + config.limits.timeout_ms;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`the turn took longer than [limits] timeout_ms = ${config.limits.timeout_ms}`)), config.limits.timeout_ms);
  const timedOut = () => failure(`Agent "${provider.agentName}" did not finish within its time limit ([limits] timeout_ms = ${config.limits.timeout_ms}).`, trace());
  const timeout = new Promise<"timeout">((resolve) => abort.signal.addEventListener("abort", () => resolve("timeout"), { once: true }));

  const runCall = async (call: ToolCall): Promise<string> => {
    if (call.name === ASK_TOOL.name && request && !tools.has(ASK_TOOL.name)) {
      const answer = await ask(provider, request, call, Math.max(100, deadline - Date.now()));
      steps.push(answer.ok ? { tool: "ask", input: call.arguments, output: answer.output } : { tool: "ask", input: call.arguments, diagnostic: { message: answer.message } });
      return JSON.stringify(answer.ok ? answer.output : { error: answer.message });
    }
    const tool = tools.get(call.name);
    if (!tool) {
      steps.push({ tool: call.name, input: call.arguments, diagnostic: { message: "no such tool" } });
      return JSON.stringify({ error: `There is no tool "${call.name}". Tools: ${specs.map((s) => s.name).join(", ") || "none"}.` });
    }
    const run = await runToolAsAgent(workspaceId, provider.agentName, tool, call.arguments, request?.quotaOverrides);
    if (run.ok) {
      steps.push({ tool: call.name, input: call.arguments, output: run.output, invocationId: run.invocationId });
      return JSON.stringify(run.output);
    }
    steps.push({ tool: call.name, input: call.arguments, diagnostic: run.diagnostic ?? { message: run.message }, invocationId: run.invocationId });
    return JSON.stringify({ error: run.message });
  };

  // Only a turn on a stored request has somewhere to show a draft (a test run of an agent does
  // not). A config stored before `stream` existed has no such key: it streams, like a new one.
  const draft: DraftWriter | null = llm.stream !== false && request ? draftWriter(workspaceId, { requestId: request.id, conversationId: request.conversationId, agent: provider.agentName }) : null;
  const streaming = draft ? { stream: true, onText: (delta: string) => draft.append(delta) } : {};

  const loop = async (): Promise<TurnResult> => {
    const messages: ChatMessage[] = [{ role: "user", content: prompt }];
    for (let step = 1; step <= config.limits.max_steps; step++) {
      if (step > 1) draft?.nextStep();
      const completion = await client.complete({ model: llm.model, system: config.system_prompt ?? "", messages, tools: specs, temperature: llm.temperature, maxTokens: llm.max_tokens, signal: abort.signal, ...streaming });
      usage.inputTokens += completion.usage?.inputTokens ?? 0;
      usage.outputTokens += completion.usage?.outputTokens ?? 0;
      if (!completion.toolCalls.length) return { performative: "INFORM", content: completion.text, trace: trace() };
      messages.push({ role: "assistant", content: completion.text, toolCalls: completion.toolCalls });
      for (const call of completion.toolCalls) {
        if (abort.signal.aborted) return timedOut();
        messages.push({ role: "tool", toolCallId: call.id, name: call.name, content: await runCall(call) });
      }
    }
    return failure(`Agent "${provider.agentName}" used all ${config.limits.max_steps} steps ([limits] max_steps) without a final answer.`, trace());
  };

  let result: TurnResult | undefined;
  try {
    const outcome = await Promise.race([loop(), timeout]);
    result = outcome === "timeout" ? timedOut() : outcome;
  } catch (error) {
    if (abort.signal.aborted) result = timedOut();
    else if (error instanceof ProviderError) {
      // For the operator: a vendor refusing a key or a base_url out of reach shows up here first.
      logger.warn({ event: "provider failed", workspaceId, agent: provider.agentName, provider: kind, status: error.status, reason: error.message }, "provider call failed");
      result = failure(`The ${kind} provider failed for agent "${provider.agentName}": ${error.message}`, trace());
    }
    else throw error;
  } finally {
    clearTimeout(timer);
    // The last draft event (the whole answer) goes out before the reply is stored and published.
    await draft?.close({ publishPending: result?.performative === "INFORM" });
  }
  return result;
}
