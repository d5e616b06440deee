import type { Prisma } from "@prisma/client";
import type { Provider } from "../routing/capabilities";
import { findAgentTools, runToolAsAgent } from "./agent-tools";
import { runLlmTurn } from "./llm-turn";

/**
 * One turn of an agent on a request, in the worker. A tool agent (`[handler]`) runs its tool
 * on the message content, recorded as a tool invocation by the agent. An LLM agent runs the
 * tool-calling loop against its provider (llm-turn.ts), the scripted `mock` provider included.
 */

export interface TurnResult {
  performative: "INFORM" | "FAILURE";
  content: Prisma.InputJsonValue;
  /** LLM agents: { provider, model, steps, usage }, stored on the reply. */
  trace?: Prisma.InputJsonValue;
}

/** The request being answered (the message row), for context and delegation. */
export interface TurnRequest {
  id: string;
  workspaceId: string;
  conversationId: string;
  depth: number;
  createdAt?: Date;
  /** The workspace's quota overrides, read when the delivery began (else read when needed). */
  quotaOverrides?: Record<string, number>;
}

const failure = (reason: string, extra: Record<string, Prisma.InputJsonValue> = {}): TurnResult => ({ performative: "FAILURE", content: { reason, ...extra } });

/** Text goes to a tool as `{ "text": ... }`; a JSON object goes as it is. */
const toolInput = (content: unknown) => (content !== null && typeof content === "object" && !Array.isArray(content) ? content : { text: typeof content === "string" ? content : JSON.stringify(content) });

export async function runTurn(workspaceId: string, provider: Provider, content: unknown, request?: TurnRequest): Promise<TurnResult> {
  const { config } = provider;
  if (config.handler) {
    const [tool] = await findAgentTools(workspaceId, [config.handler.tool]);
    if (!tool) return failure(`Agent "${provider.agentName}" runs tool "${config.handler.tool}", which is not in this workspace.`);
    const run = await runToolAsAgent(workspaceId, provider.agentName, tool, toolInput(content), request?.quotaOverrides);
    if (run.ok) return { performative: "INFORM", content: (run.output ?? null) as Prisma.InputJsonValue };
    if (!run.invocationId) return failure(run.message);
    return failure(`Tool "${config.handler.tool}" failed.`, { diagnostic: (run.diagnostic ?? null) as Prisma.InputJsonValue, invocationId: run.invocationId });
  }
  if (config.llm) return runLlmTurn(workspaceId, provider, content, request);
  return failure(`Agent "${provider.agentName}" has neither [llm] nor [handler].`);
}
