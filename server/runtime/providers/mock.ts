import { parseScriptPlaceholder, SCRIPT_PLACEHOLDER } from "../../agents/mock-script";
import type { MockScriptEntry } from "../../agents/schema";
import { ProviderError } from "./http";
import type { ChatMessage, Completion, CompletionRequest, LlmProvider } from "./types";

/**
 * The `mock` provider, for offline demos and tests: a model whose replies and tool calls are
 * scripted in the agent file (`[[llm.script]]`), so the turn runs the same loop as a real
 * model (tools, `ask` delegation, `max_steps`, trace). Each model call takes the next entry,
 * counted from the assistant turns already in the conversation, so the provider keeps no
 * state. Without a script, or past its end, it echoes the request. Replies are always
 * labelled `[mock reply from NAME]`.
 */

export function mockReply(agentName: string, content: unknown): string {
  const text = typeof content === "string" ? content : JSON.stringify(content);
  return `[mock reply from ${agentName}] ${text}`;
}

/** A script that cannot be followed (a field its placeholder names is not in the result). */
export class MockScriptError extends ProviderError {
  constructor(message: string) {
    super("mock", null, message, 1);
    this.message = message;
  }
}

export interface MockScript {
  agentName: string;
  /** The request being answered, as text: `{{request}}` and the echo. */
  request: string;
  script?: MockScriptEntry[];
}

const parsed = (content: string): unknown => {
  try {
    return JSON.parse(content);
  } catch {
    return content;
  }
};

const asText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

export function mockProvider({ agentName, request, script = [] }: MockScript): LlmProvider {
  return {
    async complete({ messages }: CompletionRequest): Promise<Completion> {
      const index = messages.filter((m) => m.role === "assistant").length;
      const entry = script[index];
      if (!entry) return { text: mockReply(agentName, request), toolCalls: [], stopReason: "stop" };
      const results = messages.filter((m): m is Extract<ChatMessage, { role: "tool" }> => m.role === "tool").map((m) => parsed(m.content));
      const where = `[[llm.script]] entry ${index + 1}`;

      const valueOf = (name: string): unknown => {
        const placeholder = parseScriptPlaceholder(name);
        if (!placeholder)
          throw new MockScriptError(
            `${where} uses {{${name}}}, which the mock does not fill. Use {{request}}, {{result.N}} or {{result.N.field}}.`,
          );
        if (placeholder.kind === "request") return request;
        if (placeholder.call > results.length)
          throw new MockScriptError(
            `${where} uses {{${name}}}, but only ${results.length} call${results.length === 1 ? " has" : "s have"} answered so far.`,
          );
        let value = results[placeholder.call - 1];
        for (const [depth, key] of placeholder.path.entries()) {
          const holder = value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
          if (!holder || !(key in holder)) {
            const at = ["result", placeholder.call, ...placeholder.path.slice(0, depth)].join(".");
            throw new MockScriptError(
              `${where} uses {{${name}}}, but {{${at}}} has no field "${key}": it is ${asText(value).slice(0, 300)}. Fix the placeholder, or check why call ${placeholder.call} answered this way.`,
            );
          }
          value = holder[key];
        }
        return value;
      };
      const fill = (text: string) => text.replace(SCRIPT_PLACEHOLDER, (_m, name: string) => asText(valueOf(name)));
      // A string that is exactly one placeholder passes the value itself (a number stays a number).
      const fillValue = (value: unknown): unknown => {
        if (typeof value === "string") {
          const whole = /^\{\{\s*([^{}]*?)\s*\}\}$/.exec(value);
          return whole ? valueOf(whole[1]!) : fill(value);
        }
        if (Array.isArray(value)) return value.map(fillValue);
        if (value !== null && typeof value === "object")
          return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillValue(v)]));
        return value;
      };

      if (entry.call === undefined) return { text: mockReply(agentName, fill(entry.reply ?? "")), toolCalls: [], stopReason: "stop" };
      const input = fillValue(entry.input ?? {}) as Record<string, unknown>;
      return { text: "", toolCalls: [{ id: `mock_call_${index + 1}`, name: entry.call, arguments: input }], stopReason: "tool_calls" };
    },
  };
}
