import { parseArguments, postJson, ProviderError, sseData } from "./http";
import type { ChatMessage, Completion, CompletionRequest, LlmProvider, ProviderOptions, ToolCall } from "./types";

/**
 * The OpenAI-compatible chat completions API: OpenAI itself, and Ollama, vLLM, LM Studio and
 * llama.cpp's server through `base_url`.
 */

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

interface WireToolCall {
  id?: string;
  index?: number;
  function?: { name?: string; arguments?: string };
}

function wireMessages(system: string, messages: ChatMessage[]) {
  const wire: Record<string, unknown>[] = system ? [{ role: "system", content: system }] : [];
  for (const message of messages) {
    if (message.role === "tool") wire.push({ role: "tool", tool_call_id: message.toolCallId, content: message.content });
    else if (message.role === "assistant" && message.toolCalls?.length)
      wire.push({
        role: "assistant",
        content: message.content || null,
        tool_calls: message.toolCalls.map((c) => ({
          id: c.id,
          type: "function",
          function: { name: c.name, arguments: JSON.stringify(c.arguments) },
        })),
      });
    else wire.push({ role: message.role, content: message.content });
  }
  return wire;
}

export function openAiProvider(options: ProviderOptions = {}): LlmProvider {
  const url = `${(options.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, "")}/chat/completions`;
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  return {
    async complete(request: CompletionRequest): Promise<Completion> {
      const body = {
        model: request.model,
        messages: wireMessages(request.system, request.messages),
        ...(request.tools.length
          ? {
              tools: request.tools.map((t) => ({
                type: "function",
                function: { name: t.name, description: t.description, parameters: t.parameters },
              })),
            }
          : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
        ...(request.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      };
      const response = await postJson("openai", url, headers, body, request.signal, options.retry);
      // A compatible server that ignores `stream` answers with plain JSON: read it as such.
      if (!request.stream || !(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
        const completion = await readJson(response);
        if (request.stream && completion.text) request.onText?.(completion.text);
        return completion;
      }
      return readStream(response, request.onText);
    },
  };
}

async function readJson(response: Response): Promise<Completion> {
  const body = (await response.json()) as {
    choices?: { message?: { content?: string | null; tool_calls?: WireToolCall[] }; finish_reason?: string }[];
    usage?: { prompt_tokens?: number; completion_tokens?: number };
  };
  const choice = body.choices?.[0];
  if (!choice) throw new ProviderError("openai", response.status, "the response has no choices", 1);
  const toolCalls = (choice.message?.tool_calls ?? []).map((c, i): ToolCall => ({
    id: c.id ?? `call_${i}`,
    name: c.function?.name ?? "",
    arguments: parseArguments(c.function?.arguments),
  }));
  return {
    text: choice.message?.content ?? "",
    toolCalls,
    stopReason: choice.finish_reason ?? (toolCalls.length ? "tool_calls" : "stop"),
    ...(body.usage ? { usage: { inputTokens: body.usage.prompt_tokens, outputTokens: body.usage.completion_tokens } } : {}),
  };
}

/**
 * Text deltas are concatenated (and handed to `onText` as they come); tool-call deltas are
 * assembled by their `index`. A stream that breaks off (connection lost, or ended before a
 * `finish_reason` or `[DONE]`) is a ProviderError: a half answer is never returned as whole.
 */
async function readStream(response: Response, onText?: (delta: string) => void): Promise<Completion> {
  let text = "";
  let stopReason = "";
  let done = false;
  let usage: Completion["usage"];
  let chunks = 0;
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  const brokeOff = (why: string) =>
    new ProviderError(
      "openai",
      response.status,
      `the streamed answer broke off after ${chunks} chunk${chunks === 1 ? "" : "s"} (${why}); nothing of it was kept. Try again, or set \`stream = false\` in [llm] if this server cannot stream`,
      1,
    );
  try {
    for await (const data of sseData(response)) {
      if (data.trim() === "[DONE]") {
        done = true;
        break;
      }
      let chunk: {
        choices?: { delta?: { content?: string | null; tool_calls?: WireToolCall[] }; finish_reason?: string | null }[];
        usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
        error?: { message?: string };
      };
      try {
        chunk = JSON.parse(data) as typeof chunk;
      } catch {
        throw new ProviderError("openai", response.status, `the stream sent an unreadable chunk: ${data.slice(0, 200)}`, 1);
      }
      chunks += 1;
      if (chunk.error) throw new ProviderError("openai", response.status, chunk.error.message ?? "error in the stream", 1);
      if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
      for (const choice of chunk.choices ?? []) {
        if (choice.delta?.content) {
          text += choice.delta.content;
          onText?.(choice.delta.content);
        }
        for (const delta of choice.delta?.tool_calls ?? []) {
          const index = delta.index ?? calls.size;
          const call = calls.get(index) ?? { id: "", name: "", arguments: "" };
          if (delta.id) call.id = delta.id;
          if (delta.function?.name) call.name += delta.function.name;
          if (delta.function?.arguments) call.arguments += delta.function.arguments;
          calls.set(index, call);
        }
        if (choice.finish_reason) stopReason = choice.finish_reason;
      }
    }
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    // The turn's own abort (its time limit) is not the vendor's fault: let the caller see it.
    if ((error as Error).name === "AbortError") throw error;
    throw brokeOff(
      `${(error as Error).message}${(error as { cause?: { code?: string } }).cause?.code ? `, ${(error as { cause: { code: string } }).cause.code}` : ""}`,
    );
  }
  if (!done && !stopReason) throw brokeOff("the connection closed before the answer was complete");
  const toolCalls = [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([i, c]): ToolCall => ({ id: c.id || `call_${i}`, name: c.name, arguments: parseArguments(c.arguments) }));
  return { text, toolCalls, stopReason: stopReason || (toolCalls.length ? "tool_calls" : "stop"), ...(usage ? { usage } : {}) };
}
