import type { Prisma } from "@prisma/client";
import { runLlmTurn } from "./llm-turn";
import type { Turn, TurnPorts, TurnResult } from "./ports";

export type { Turn, TurnPorts, TurnResult } from "./ports";

/**
 * One turn of an agent on a request, reaching the platform only through its ports. A tool
 * agent (`[handler]`) runs its tool on the message content (its reply is the record of that
 * one call: the request's content in, the reply's content out). An LLM agent runs the
 * tool-calling loop against its model (llm-turn.ts), the scripted `mock` provider included.
 */

const failure = (reason: string, extra: Record<string, Prisma.InputJsonValue> = {}): TurnResult => ({
  performative: "FAILURE",
  content: { reason, ...extra },
});

/** Text goes to a tool as `{ "text": ... }`; a JSON object goes as it is. */
export const toolInput = (content: unknown) =>
  content !== null && typeof content === "object" && !Array.isArray(content)
    ? content
    : { text: typeof content === "string" ? content : JSON.stringify(content) };

export async function runTurn(turn: Turn, ports: TurnPorts): Promise<TurnResult> {
  const { config, agentName } = turn.agent;
  if (config.handler) {
    const [tool] = await ports.tools.find([config.handler.tool]);
    if (!tool) return failure(`Agent "${agentName}" runs tool "${config.handler.tool}", which is not in this workspace.`);
    // The tool's own timeoutMs bounds a tool agent's one call; no turn timer is needed.
    const run = await ports.tools.run(tool, toolInput(turn.content), NEVER_ABORTED);
    if (run.ok) return { performative: "INFORM", content: (run.output ?? null) as Prisma.InputJsonValue };
    if (!run.invocationId) return failure(run.message);
    return failure(`Tool "${config.handler.tool}" failed.`, {
      diagnostic: (run.diagnostic ?? null) as Prisma.InputJsonValue,
      invocationId: run.invocationId,
    });
  }
  if (config.llm) return runLlmTurn(turn, ports);
  return failure(`Agent "${agentName}" has neither [llm] nor [handler].`);
}

const NEVER_ABORTED = new AbortController().signal;
