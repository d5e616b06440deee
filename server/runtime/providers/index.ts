import { createRedactor } from "../../secrets/redact";
import { anthropicProvider } from "./anthropic";
import { ProviderError } from "./http";
import { openAiProvider } from "./openai";
import type { LlmProvider, ProviderOptions } from "./types";

export type { ChatMessage, Completion, CompletionRequest, LlmProvider, ToolCall, ToolSpec } from "./types";
export { ProviderError } from "./http";

/** A provider whose errors never carry the key it was given (a vendor may echo it back). */
export function providerFor(kind: "openai" | "anthropic", options: ProviderOptions): LlmProvider {
  const provider = kind === "openai" ? openAiProvider(options) : anthropicProvider(options);
  if (!options.apiKey) return provider;
  const redactor = createRedactor([options.apiKey]);
  return {
    complete: (request) =>
      provider.complete(request).catch((error: unknown) => {
        throw error instanceof ProviderError ? error.scrubbed(redactor.text) : error;
      }),
  };
}
