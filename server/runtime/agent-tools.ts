import { newId } from "../db/ids";
import { toolsOf } from "../routing/index-cache";
import { runVersion } from "../tools/execute";
import { finishInvocation, toolTimeDiagnostic, toolTimeRefusal } from "../tools/invoke";

/**
 * Workspace tools as an agent uses them: looked up by live name (in the workspace's cached
 * index), run as a recorded invocation. Agents take their turns in the worker, which owns
 * the sandbox, so the tool runs here directly (no job of its own) and its invocation row is
 * written once, finished, in one statement: a tool agent does this for every message.
 */

export interface AgentTool {
  id: string;
  name: string;
  versionId: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** The workspace's live tools of these names (null where there is none), from its cached index. */
export async function findAgentTools(workspaceId: string, names: string[]): Promise<(AgentTool | null)[]> {
  if (!names.length) return [];
  const tools = await toolsOf(workspaceId);
  return names.map((name) => {
    const tool = tools.get(name);
    if (!tool) return null;
    return {
      id: tool.id,
      name,
      versionId: tool.versionId,
      description: tool.manifest.description,
      inputSchema: tool.manifest.inputSchema as Record<string, unknown>,
    };
  });
}

export type AgentToolRun =
  { ok: true; output: unknown; invocationId: string } | { ok: false; diagnostic: unknown; invocationId: string | null; message: string };

/**
 * One call of a tool by an agent, through the path every tool call takes (tools/invoke.ts):
 * the day's tool-time quota (against the overrides read when the delivery began, when
 * given), the run, its invocation recorded (caller type "agent", scrubbed) and metered.
 */
export async function runToolAsAgent(
  workspaceId: string,
  agentName: string,
  tool: { id: string; name: string; versionId: string },
  input: unknown,
  quotaOverrides?: Record<string, number>,
): Promise<AgentToolRun> {
  const refusal = await toolTimeRefusal(workspaceId, quotaOverrides);
  if (refusal) return { ok: false, diagnostic: toolTimeDiagnostic(refusal), invocationId: null, message: refusal.message };
  const outcome = await runVersion(workspaceId, tool.versionId, input);
  const invocationId = newId();
  await finishInvocation({
    id: invocationId,
    workspaceId,
    toolId: tool.id,
    toolVersionId: tool.versionId,
    caller: { type: "agent", label: agentName },
    input,
    result: outcome,
    attempts: 1,
  });
  if (outcome.ok) return { ok: true, output: outcome.output ?? null, invocationId };
  return { ok: false, diagnostic: outcome.diagnostic, invocationId, message: `Tool "${tool.name}" failed: ${outcome.diagnostic.message}` };
}
