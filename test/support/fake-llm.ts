import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake LLM vendor: a real HTTP server on 127.0.0.1 that answers each request with the next
 * scripted response and records what it was sent. The builders below speak OpenAI's chat
 * completions (plain, tool calls, streamed) and Anthropic's messages (text, tool_use).
 *
 * Streaming is real: events are written one at a time with a pause between them. An OpenAI
 * request with `"stream": true` answered by a plain scripted reply (openAiText,
 * openAiToolCall) gets that reply as a stream of chunks, as a real server would send it.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- vendor bodies are asserted field by field
  body: any;
}

export interface Scripted {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** Server-sent events: each item is sent as one `data:` event (strings as they are); `[DONE]` ends it. */
  sse?: unknown[];
  /** Pause between two events of a stream (default 15 ms). */
  delayMs?: number;
  /** Cut the connection after this many events, without ending the stream properly. */
  breakAfter?: number;
  /** End the stream without `[DONE]` (a server that stops mid-answer but closes cleanly). */
  noDone?: boolean;
  /** Send `json` as it is even to a request that asks for a stream (a server that ignores `stream`). */
  asIs?: boolean;
  /** Hold the stream after `after` events until `open` resolves (to look at a half-written answer). */
  gates?: { after: number; open: Promise<unknown> }[];
}

export type Script = Scripted | ((request: RecordedRequest) => Scripted);

export interface FakeLlm {
  url: string;
  requests: RecordedRequest[];
  /** Queue responses for the next requests, in order. */
  script(...responses: Script[]): void;
  /** Responses still queued. */
  pending(): number;
  close(): Promise<void>;
}

export async function startFakeLlm(): Promise<FakeLlm> {
  const queue: Script[] = [];
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    req.on("end", () => {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // recorded as text
      }
      const recorded: RecordedRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body };
      requests.push(recorded);
      const next = queue.shift();
      const scripted =
        typeof next === "function"
          ? next(recorded)
          : (next ?? { status: 500, json: { error: { message: "the fake LLM has no scripted response left" } } });
      const wantsStream = (body as { stream?: unknown } | null)?.stream === true;
      const answer =
        wantsStream && !scripted.sse && !scripted.asIs ? (asOpenAiStream(scripted) ?? asAnthropicStream(scripted) ?? scripted) : scripted;
      if (answer.sse) {
        res.writeHead(answer.status ?? 200, { "content-type": "text/event-stream", ...answer.headers });
        void writeSlowly(res, answer);
        return;
      }
      res.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
      res.end(JSON.stringify(answer.json ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...responses) => queue.push(...responses),
    pending: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A stream held open (a gate never opened) must not keep the server from closing.
        server.closeAllConnections();
      }),
  };
}

async function writeSlowly(res: import("node:http").ServerResponse, answer: Scripted): Promise<void> {
  const events = answer.sse!;
  for (let i = 0; i < events.length; i++) {
    if (res.destroyed) return;
    if (answer.breakAfter !== undefined && i >= answer.breakAfter) {
      res.socket?.destroy();
      return;
    }
    for (const gate of answer.gates ?? []) if (gate.after === i) await gate.open;
    const event = events[i];
    res.write(`data: ${typeof event === "string" ? event : JSON.stringify(event)}\n\n`);
    await new Promise((resolve) => setTimeout(resolve, answer.delayMs ?? 15));
  }
  // OpenAI ends with `[DONE]`; Anthropic's last event is `message_stop`.
  const anthropic = (events.at(-1) as { type?: string } | undefined)?.type === "message_stop";
  res.end(answer.noDone || anthropic ? undefined : "data: [DONE]\n\n");
}

/** A plain chat completion (as openAiText/openAiToolCall script it) sent as a stream of chunks; null when it is not one. */
function asOpenAiStream(answer: Scripted): Scripted | null {
  const completion = answer.json as
    | {
        object?: string;
        choices?: { message?: { content?: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[] } }[];
      }
    | undefined;
  if ((answer.status ?? 200) !== 200 || completion?.object !== "chat.completion") return null;
  const message = completion.choices?.[0]?.message ?? {};
  const [call] = message.tool_calls ?? [];
  const { sse } = openAiStream(
    pieces(message.content ?? "", 4),
    call ? { id: call.id, name: call.function.name, argumentParts: pieces(call.function.arguments, 5) } : undefined,
  );
  return { ...answer, json: undefined, sse };
}

/** Text cut into pieces of `size` characters (a model's tokens, roughly). */
export const pieces = (text: string, size: number): string[] => text.match(new RegExp(`[\\s\\S]{1,${size}}`, "g")) ?? [];

// --- OpenAI-compatible ---

export const openAiText = (text: string): Scripted => ({
  json: {
    id: "chatcmpl-1",
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: { prompt_tokens: 10, completion_tokens: 5 },
  },
});

export const openAiToolCall = (name: string, args: unknown, id = "call_1"): Scripted => ({
  json: {
    id: "chatcmpl-2",
    object: "chat.completion",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: null,
          tool_calls: [{ id, type: "function", function: { name, arguments: JSON.stringify(args) } }],
        },
        finish_reason: "tool_calls",
      },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 7 },
  },
});

export const openAiError = (status: number, message: string, headers: Record<string, string> = {}): Scripted => ({
  status,
  headers,
  json: { error: { message, type: "server_error" } },
});

/** A streamed reply: text in pieces, then (optionally) one tool call whose name and arguments arrive in pieces. */
export function openAiStream(textParts: string[], toolCall?: { id: string; name: string; argumentParts: string[] }): Scripted {
  const chunk = (delta: unknown, finish: string | null = null) => ({
    id: "chatcmpl-s",
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const events: unknown[] = [chunk({ role: "assistant", content: "" }), ...textParts.map((t) => chunk({ content: t }))];
  if (toolCall) {
    events.push(chunk({ tool_calls: [{ index: 0, id: toolCall.id, type: "function", function: { name: toolCall.name, arguments: "" } }] }));
    for (const part of toolCall.argumentParts) events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }));
  }
  events.push(chunk({}, toolCall ? "tool_calls" : "stop"));
  events.push({ id: "chatcmpl-s", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } });
  return { sse: events };
}

// --- Anthropic ---

export const anthropicText = (text: string): Scripted => ({
  json: {
    id: "msg_1",
    type: "message",
    role: "assistant",
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    usage: { input_tokens: 9, output_tokens: 4 },
  },
});

export const anthropicToolUse = (name: string, input: unknown, id = "toolu_1", text = "Let me check."): Scripted => ({
  json: {
    id: "msg_2",
    type: "message",
    role: "assistant",
    content: [
      { type: "text", text },
      { type: "tool_use", id, name, input },
    ],
    stop_reason: "tool_use",
    usage: { input_tokens: 11, output_tokens: 6 },
  },
});

/** A streamed Anthropic answer: text in pieces, then (optionally) one tool_use whose input arrives as JSON pieces. */
export function anthropicStream(textParts: string[], toolUse?: { id: string; name: string; jsonParts: string[] }): Scripted {
  const events: unknown[] = [
    {
      type: "message_start",
      message: { id: "msg_s", type: "message", role: "assistant", content: [], usage: { input_tokens: 7, output_tokens: 1 } },
    },
  ];
  let index = 0;
  if (textParts.length) {
    events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
    for (const text of textParts) events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text } });
    events.push({ type: "content_block_stop", index });
    index += 1;
  }
  if (toolUse) {
    events.push({ type: "content_block_start", index, content_block: { type: "tool_use", id: toolUse.id, name: toolUse.name, input: {} } });
    for (const partial_json of toolUse.jsonParts)
      events.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } });
    events.push({ type: "content_block_stop", index });
  }
  events.push({ type: "message_delta", delta: { stop_reason: toolUse ? "tool_use" : "end_turn" }, usage: { output_tokens: 6 } });
  events.push({ type: "message_stop" });
  return { sse: events };
}

/** A plain messages answer (as anthropicText/anthropicToolUse script it) sent as a stream; null when it is not one. */
function asAnthropicStream(answer: Scripted): Scripted | null {
  const message = answer.json as
    { type?: string; content?: { type: string; text?: string; id?: string; name?: string; input?: unknown }[] } | undefined;
  if ((answer.status ?? 200) !== 200 || message?.type !== "message" || !Array.isArray(message.content)) return null;
  const text = message.content
    .filter((b) => b.type === "text")
    .map((b) => b.text ?? "")
    .join("");
  const use = message.content.find((b) => b.type === "tool_use");
  const { sse } = anthropicStream(
    pieces(text, 4),
    use ? { id: use.id ?? "toolu_1", name: use.name ?? "", jsonParts: pieces(JSON.stringify(use.input ?? {}), 5) } : undefined,
  );
  return { ...answer, json: undefined, sse };
}

export const anthropicError = (status: number, message: string): Scripted => ({
  status,
  json: { type: "error", error: { type: status === 529 ? "overloaded_error" : "invalid_request_error", message } },
});
