import { parseArguments, postJson, ProviderError, sseData } from "./http";
import type { ChatMessage, Completion, CompletionRequest, LlmProvider, ProviderOptions, ToolCall } from "./types";

/** The Anthropic messages API: `tool_use` blocks out, `tool_result` blocks back in a user turn. */

export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";
const DEFAULT_MAX_TOKENS = 1024;

type Block =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: "tool_result"; tool_use_id: string; content: string };

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
      for (const call of message.toolCalls ?? [])
        push("assistant", { type: "tool_use", id: call.id, name: call.name, input: call.arguments });
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
        ...(request.tools.length
          ? { tools: request.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })) }
          : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.stream ? { stream: true } : {}),
      };
      const response = await postJson("anthropic", url, headers, body, request.signal, options.retry);
      if (request.stream && (response.headers.get("content-type") ?? "").includes("text/event-stream"))
        return readStream(response, request.onText);
      const answer = (await response.json()) as {
        content?: { type: string; text?: string; id?: string; name?: string; input?: unknown }[];
        stop_reason?: string;
        usage?: { input_tokens?: number; output_tokens?: number };
      };
      if (!Array.isArray(answer.content)) throw new ProviderError("anthropic", response.status, "the response has no content", 1);
      const text = answer.content
        .filter((b) => b.type === "text")
        .map((b) => b.text ?? "")
        .join("");
      if (request.stream && text) request.onText?.(text);
      const toolCalls = answer.content
        .filter((b) => b.type === "tool_use")
        .map((b, i): ToolCall => ({
          id: b.id ?? `toolu_${i}`,
          name: b.name ?? "",
          arguments: b.input !== null && typeof b.input === "object" ? (b.input as Record<string, unknown>) : {},
        }));
      return {
        text,
        toolCalls,
        stopReason: answer.stop_reason ?? (toolCalls.length ? "tool_use" : "end_turn"),
        ...(answer.usage ? { usage: { inputTokens: answer.usage.input_tokens, outputTokens: answer.usage.output_tokens } } : {}),
      };
    },
  };
}

interface StreamBlock {
  type: string;
  text: string;
  id: string;
  name: string;
  json: string;
}

/**
 * The messages API's event stream: `content_block_start` opens a text or tool_use block,
 * `content_block_delta` adds `text_delta` text (handed to `onText`) or `input_json_delta`
 * arguments, `message_delta` brings the stop reason, `message_stop` ends it. A stream that
 * breaks off, or sends an `error` event, is a ProviderError: a half answer is never returned.
 */
async function readStream(response: Response, onText?: (delta: string) => void): Promise<Completion> {
  const blocks = new Map<number, StreamBlock>();
  let stopReason = "";
  let stopped = false;
  let events = 0;
  const usage: { inputTokens?: number; outputTokens?: number } = {};
  const brokeOff = (why: string) =>
    new ProviderError(
      "anthropic",
      response.status,
      `the streamed answer broke off after ${events} event${events === 1 ? "" : "s"} (${why}); nothing of it was kept. Try again, or set \`stream = false\` in [llm]`,
      1,
    );
  try {
    for await (const data of sseData(response)) {
      let event: {
        type?: string;
        index?: number;
        content_block?: { type?: string; text?: string; id?: string; name?: string };
        delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string };
        message?: { usage?: { input_tokens?: number; output_tokens?: number } };
        usage?: { output_tokens?: number };
        error?: { type?: string; message?: string };
      };
      try {
        event = JSON.parse(data) as typeof event;
      } catch {
        throw new ProviderError("anthropic", response.status, `the stream sent an unreadable event: ${data.slice(0, 200)}`, 1);
      }
      events += 1;
      if (event.type === "error")
        throw new ProviderError(
          "anthropic",
          response.status,
          `${event.error?.message ?? "error in the stream"}${event.error?.type ? ` (${event.error.type})` : ""}`,
          1,
        );
      if (event.type === "message_start") {
        usage.inputTokens = event.message?.usage?.input_tokens;
        usage.outputTokens = event.message?.usage?.output_tokens;
      } else if (event.type === "content_block_start" && event.index !== undefined) {
        const block = event.content_block ?? {};
        blocks.set(event.index, { type: block.type ?? "", text: block.text ?? "", id: block.id ?? "", name: block.name ?? "", json: "" });
        if (block.type === "text" && block.text) onText?.(block.text);
      } else if (event.type === "content_block_delta" && event.index !== undefined) {
        const block = blocks.get(event.index);
        if (!block) continue;
        if (event.delta?.type === "text_delta" && event.delta.text) {
          block.text += event.delta.text;
          onText?.(event.delta.text);
        } else if (event.delta?.type === "input_json_delta" && event.delta.partial_json) block.json += event.delta.partial_json;
      } else if (event.type === "message_delta") {
        if (event.delta?.stop_reason) stopReason = event.delta.stop_reason;
        if (event.usage?.output_tokens !== undefined) usage.outputTokens = event.usage.output_tokens;
      } else if (event.type === "message_stop") {
        stopped = true;
        break;
      }
    }
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    if ((error as Error).name === "AbortError") throw error;
    throw brokeOff((error as Error).message);
  }
  if (!stopped) throw brokeOff("the connection closed before message_stop");
  const ordered = [...blocks.entries()].sort(([a], [b]) => a - b).map(([, b]) => b);
  const toolCalls = ordered
    .filter((b) => b.type === "tool_use")
    .map((b, i): ToolCall => ({ id: b.id || `toolu_${i}`, name: b.name, arguments: parseArguments(b.json) }));
  return {
    text: ordered
      .filter((b) => b.type === "text")
      .map((b) => b.text)
      .join(""),
    toolCalls,
    stopReason: stopReason || (toolCalls.length ? "tool_use" : "end_turn"),
    ...(usage.inputTokens !== undefined || usage.outputTokens !== undefined ? { usage } : {}),
  };
}
