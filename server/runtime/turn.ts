import type { Prisma } from "@prisma/client";
import { getDb } from "../db/client";
import { limitOf } from "../quotas/quotas";
import { toolMsToday } from "../quotas/tool-time";
import type { Provider } from "../routing/capabilities";
import { executeInvocation } from "../tools/execute";

/**
 * One turn of an agent on a request, in the worker. A tool agent (`[handler]`) runs its tool
 * on the message content, recorded as a tool invocation by the agent. An LLM agent with the
 * `mock` provider answers with a labelled echo; the other providers are not wired yet and
 * say so in a FAILURE.
 */

export interface TurnResult {
  performative: "INFORM" | "FAILURE";
  content: Prisma.InputJsonValue;
}

const failure = (reason: string, extra: Record<string, Prisma.InputJsonValue> = {}): TurnResult => ({ performative: "FAILURE", content: { reason, ...extra } });

/** Text goes to a tool as `{ "text": ... }`; a JSON object goes as it is. */
const toolInput = (content: unknown) => (content !== null && typeof content === "object" && !Array.isArray(content) ? content : { text: typeof content === "string" ? content : JSON.stringify(content) });

export async function runTurn(workspaceId: string, provider: Provider, content: unknown): Promise<TurnResult> {
  const { config } = provider;
  if (config.handler) {
    const db = getDb();
    const tool = await db.tool.findFirst({ where: { workspaceId, liveName: config.handler.tool }, include: { activeVersion: true } });
    if (!tool?.activeVersion) return failure(`Agent "${provider.agentName}" runs tool "${config.handler.tool}", which is not in this workspace.`);
    const [limit, used] = await Promise.all([limitOf(workspaceId, "tool_cpu_ms_per_day"), toolMsToday(workspaceId)]);
    if (used >= limit) return failure(`This workspace has used its ${limit} ms of tool run time for today (quota "tool_cpu_ms_per_day").`);
    const invocation = await db.toolInvocation.create({
      data: { workspaceId, toolId: tool.id, toolVersionId: tool.activeVersion.id, callerType: "agent", callerLabel: provider.agentName, input: toolInput(content) as Prisma.InputJsonValue },
    });
    await executeInvocation(invocation.id);
    const done = await db.toolInvocation.findUniqueOrThrow({ where: { id: invocation.id } });
    if (done.status === "ok") return { performative: "INFORM", content: (done.output ?? null) as Prisma.InputJsonValue };
    return failure(`Tool "${tool.name}" failed.`, { diagnostic: (done.diagnostic ?? null) as Prisma.InputJsonValue, invocationId: done.id });
  }
  if (config.llm?.provider === "mock") {
    const text = typeof content === "string" ? content : JSON.stringify(content);
    return { performative: "INFORM", content: `[mock reply from ${provider.agentName}] ${text}` };
  }
  return failure(`LLM provider "${config.llm?.provider}" is not wired into the runtime yet; use a tool agent or provider = "mock".`);
}
