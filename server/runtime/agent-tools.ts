import { newId } from "../db/ids";
import { NOW_UTC, sql } from "../db/sql";
import { limitWith } from "../quotas/quotas";
import { toolsOf } from "../routing/index-cache";
import { addToolMs, toolMsToday } from "../quotas/tool-time";
import { workspaceRedactor } from "../secrets/values";
import { runVersion } from "../tools/execute";

/**
 * Workspace tools as an agent uses them: looked up by live name (in the workspace's cached
 * index), run as a recorded invocation. Agents take their turns in the worker, which owns
 * the sandbox, so the tool runs here directly (no job of its own) and its invocation row is
 * written once, finished, in plain SQL: a tool agent does this for every message. Like a
 * reply, the row is scrubbed of the workspace's secrets: a model (or a vendor posing as one)
 * writes the arguments.
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
    return { id: tool.id, name, versionId: tool.versionId, description: tool.manifest.description, inputSchema: tool.manifest.inputSchema as Record<string, unknown> };
  });
}

export type AgentToolRun =
  | { ok: true; output: unknown; invocationId: string }
  | { ok: false; diagnostic: unknown; invocationId: string | null; message: string };

/**
 * One call of a tool by an agent: the day's tool-time quota checked (against the overrides
 * read when the delivery began, when given), the run recorded (caller type "agent").
 */
export async function runToolAsAgent(
  workspaceId: string,
  agentName: string,
  tool: { id: string; name: string; versionId: string },
  input: unknown,
  quotaOverrides?: Record<string, number>,
): Promise<AgentToolRun> {
  const [limit, used] = await Promise.all([limitWith(quotaOverrides, workspaceId, "tool_cpu_ms_per_day"), toolMsToday(workspaceId)]);
  if (used >= limit) return { ok: false, diagnostic: null, invocationId: null, message: `This workspace has used its ${limit} ms of tool run time for today (quota "tool_cpu_ms_per_day").` };
  const outcome = await runVersion(workspaceId, tool.versionId, input);
  const redactor = await workspaceRedactor(workspaceId);
  const invocationId = newId();
  const durationMs = Math.round(outcome.durationMs);
  await sql(
    `INSERT INTO "ToolInvocation" (id, "workspaceId", "toolId", "toolVersionId", status, "callerType", "callerLabel", input, output, diagnostic, "durationMs", "createdAt", "completedAt")
     VALUES ($1, $2, $3, $4, $5, 'agent', $6, $7::jsonb, $8::jsonb, $9::jsonb, $10, ${NOW_UTC}, ${NOW_UTC})`,
    [
      invocationId,
      workspaceId,
      tool.id,
      tool.versionId,
      outcome.ok ? "ok" : "failed",
      agentName,
      JSON.stringify(redactor.json(input ?? null)),
      outcome.ok ? JSON.stringify(redactor.json(outcome.output ?? null)) : null,
      outcome.ok ? null : JSON.stringify(redactor.json(outcome.diagnostic)),
      durationMs,
    ],
  );
  await addToolMs(workspaceId, outcome.durationMs);
  if (outcome.ok) return { ok: true, output: outcome.output ?? null, invocationId };
  const diagnostic = outcome.diagnostic as { message?: string } | null;
  return { ok: false, diagnostic: outcome.diagnostic ?? null, invocationId, message: `Tool "${tool.name}" failed${diagnostic?.message ? `: ${diagnostic.message}` : "."}` };
}
