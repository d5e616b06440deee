/**
 * The one shape every LLM provider adapter speaks, whatever its vendor's wire format: a
 * conversation in, text and tool calls out.
 */

export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export type ChatMessage =
  | { role: "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: ToolCall[] }
  | { role: "tool"; toolCallId: string; name: string; content: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface CompletionRequest {
  model: string;
  system: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  /** Ask for a streamed answer (where the provider supports it); the result is the same. */
  stream?: boolean;
  /** Streamed answers: each piece of text as it arrives (tool-call pieces are not text). */
  onText?: (delta: string) => void;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
}

export interface Completion {
  text: string;
  toolCalls: ToolCall[];
  /** The vendor's reason, normalized where it is obvious: `stop`, `tool_calls`, `length`, … */
  stopReason: string;
  usage?: Usage;
}

export interface LlmProvider {
  complete(request: CompletionRequest): Promise<Completion>;
}

export interface RetryPolicy {
  attempts: number;
  /** First back-off; doubled per attempt. */
  baseDelayMs: number;
  /** Longest Retry-After honoured; a longer one is cut to this. */
  maxRetryAfterMs: number;
}

export interface ProviderOptions {
  baseUrl?: string;
  apiKey?: string;
  retry?: Partial<RetryPolicy>;
}
