import { anthropicProvider } from "./anthropic";
import { openAiProvider } from "./openai";
import type { LlmProvider, ProviderOptions } from "./types";

export type { ChatMessage, Completion, CompletionRequest, LlmProvider, ToolCall, ToolSpec } from "./types";
export { ProviderError } from "./http";

export function providerFor(kind: "openai" | "anthropic", options: ProviderOptions): LlmProvider {
  return kind === "openai" ? openAiProvider(options) : anthropicProvider(options);
}
