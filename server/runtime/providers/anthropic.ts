import { postJson, ProviderError } from "./http";
import type { ChatMessage, Completion, CompletionRequest, LlmProvider, ProviderOptions, ToolCall } from "./types";

/** The Anthropic messages API: `tool_use` blocks out, `tool_result` blocks back in a user turn. */

export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";
const DEFAULT_MAX_TOKENS = 1024;

type Block = { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: unknown } | { type: "tool_result"; tool_use_id: string; content: string };

function wireMessages(messages: ChatMessage[]) {
  const wire: { role: "user" | "assistant"; content: Block[] }[] = [];
  const push = (role: "user" | "assistant", block: Block) => {
    const last = wire.at(-1);
    // Consecutive tool results (one per call) share one user turn, as the API requires.
    if (last?.role === role) last.content.push(block);
    else wire.push({ role, content: [block] });
  };
  for (const message of messages) {
    if (message.role === "tool") push("user", { type: "tool_result", tool_use_id: message.toolCallId, content: message.content });
    else if (message.role === "assistant") {
      if (message.content) push("assistant", { type: "text", text: message.content });
      for (const call of message.toolCalls ?? []) push("assistant", { type: "tool_use", id: call.id, name: call.name, input: call.arguments });
    } else push("user", { type: "text", text: message.content });
  }
  return wire;
}

export function anthropicProvider(options: ProviderOptions = {}): LlmProvider {
  const url = `${(options.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, "")}/v1/messages`;
  const headers: Record<string, string> = { "anthropic-version": "2023-06-01", ...(options.apiKey ? { "x-api-key": options.apiKey } : {}) };
  return {
    async complete(request: CompletionRequest): Promise<Completion> {
      const body = {
        model: request.model,
        max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
        ...(request.system ? { system: request.system } : {}),
        messages: wireMessages(request.messages),
        ...(request.tools.length ? { tools: request.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })) } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      };
      const response = await postJson("anthropic", url, headers, body, request.signal, options.retry);
      const answer = (await response.json()) as {
        content?: { type: string; text?: string; id?: string; name?: string; input?: unknown }[];
        stop_reason?: string;
        usage?: { input_tokens?: number; output_tokens?: number };
      };
      if (!Array.isArray(answer.content)) throw new ProviderError("anthropic", response.status, "the response has no content", 1);
      const text = answer.content.filter((b) => b.type === "text").map((b) => b.text ?? "").join("");
      const toolCalls = answer.content
        .filter((b) => b.type === "tool_use")
        .map((b, i): ToolCall => ({ id: b.id ?? `toolu_${i}`, name: b.name ?? "", arguments: b.input !== null && typeof b.input === "object" ? (b.input as Record<string, unknown>) : {} }));
      return {
        text,
        toolCalls,
        stopReason: answer.stop_reason ?? (toolCalls.length ? "tool_use" : "end_turn"),
        ...(answer.usage ? { usage: { inputTokens: answer.usage.input_tokens, outputTokens: answer.usage.output_tokens } } : {}),
      };
    },
  };
}
