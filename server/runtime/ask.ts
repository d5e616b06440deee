import { delegate } from "../messaging/delegate";
import type { Provider } from "../routing/capabilities";
import type { ToolCall } from "./providers";
import type { TurnRequest } from "./turn";

/**
 * The built-in `ask` tool: an LLM agent asks another capability for help during its turn,
 * through delegation (server/messaging/delegate.ts), one level deeper in the conversation.
 */

export const ASK_TOOL = {
  name: "ask",
  description: "Ask another agent of this workspace for help, by the capability it offers (e.g. `summarize`). Answers with that agent's reply.",
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

export type AskOutcome = { ok: true; output: { agent: string; content: unknown } } | { ok: false; message: string };

export async function ask(provider: Provider, request: TurnRequest, call: ToolCall, timeoutMs: number): Promise<AskOutcome> {
  const capability = typeof call.arguments.capability === "string" ? call.arguments.capability : "";
  const question = call.arguments.request;
  if (!capability || question === undefined) return { ok: false, message: "ask needs { capability, request }." };
  const answer = await delegate(
    { id: request.id, workspaceId: request.workspaceId, conversationId: request.conversationId, depth: request.depth },
    { agentId: provider.agentId, agentName: provider.agentName, maxDepth: provider.config.limits.max_depth },
    capability,
    question,
    timeoutMs,
  );
  return answer.ok ? { ok: true, output: { agent: answer.agent, content: answer.content } } : { ok: false, message: answer.reason };
}
