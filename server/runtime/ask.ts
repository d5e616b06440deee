import type { Delegation } from "./ports";
import type { ToolCall } from "./providers/types";

/**
 * The built-in `ask` tool: an LLM agent asks another capability for help during its turn,
 * through the delegation port (in production a new request one level deeper in the
 * conversation, server/messaging/delegate.ts).
 */

export const ASK_TOOL = {
  name: "ask",
  description:
    "Ask another agent of this workspace for help, by the capability it offers (e.g. `summarize`). Answers with that agent's reply.",
  parameters: {
    type: "object",
    properties: {
      capability: { type: "string", description: "The capability to ask for." },
      request: { type: "string", description: "What to ask, in full: the other agent sees nothing else." },
    },
    required: ["capability", "request"],
    additionalProperties: false,
  },
};

/** The capability and question of an `ask` call; null when the model left either out. */
export function askArguments(call: ToolCall): { capability: string; question: unknown } | null {
  const capability = typeof call.arguments.capability === "string" ? call.arguments.capability : "";
  const question = call.arguments.request;
  return capability && question !== undefined ? { capability, question } : null;
}

export const ASK_USAGE = "ask needs { capability, request }.";

/** What the model and the trace see of an answer. */
export const askOutput = (answer: Extract<Delegation, { ok: true }>) => ({ agent: answer.agent, content: answer.content });
