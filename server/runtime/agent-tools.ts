import type { Prisma } from "@prisma/client";
import { getDb } from "../db/client";
import { limitOf } from "../quotas/quotas";
import { toolMsToday } from "../quotas/tool-time";
import { executeInvocation } from "../tools/execute";
import type { ToolManifest } from "../tools/manifest";

/** Workspace tools as an agent uses them: looked up by live name, run as a recorded invocation. */

export type AgentTool = NonNullable<Awaited<ReturnType<typeof findAgentTools>>[number]>;

export async function findAgentTools(workspaceId: string, names: string[]) {
  if (!names.length) return [];
  const tools = await getDb().tool.findMany({ where: { workspaceId, liveName: { in: names } }, include: { activeVersion: { select: { id: true, manifest: true } } } });
  return names.map((name) => {
    const tool = tools.find((t) => t.liveName === name);
    if (!tool?.activeVersion) return null;
    const manifest = tool.activeVersion.manifest as unknown as ToolManifest;
    return { id: tool.id, name, versionId: tool.activeVersion.id, description: manifest.description, inputSchema: manifest.inputSchema as Record<string, unknown> };
  });
}

export type AgentToolRun =
  | { ok: true; output: unknown; invocationId: string }
  | { ok: false; diagnostic: unknown; invocationId: string | null; message: string };

/** One call of a tool by an agent: the day's tool-time quota checked, the run recorded (caller type "agent"). */
export async function runToolAsAgent(workspaceId: string, agentName: string, tool: { id: string; name: string; versionId: string }, input: unknown): Promise<AgentToolRun> {
  const db = getDb();
  const [limit, used] = await Promise.all([limitOf(workspaceId, "tool_cpu_ms_per_day"), toolMsToday(workspaceId)]);
  if (used >= limit) return { ok: false, diagnostic: null, invocationId: null, message: `This workspace has used its ${limit} ms of tool run time for today (quota "tool_cpu_ms_per_day").` };
  const invocation = await db.toolInvocation.create({
    data: { workspaceId, toolId: tool.id, toolVersionId: tool.versionId, callerType: "agent", callerLabel: agentName, input: input as Prisma.InputJsonValue },
  });
  await executeInvocation(invocation.id);
  const done = await db.toolInvocation.findUniqueOrThrow({ where: { id: invocation.id } });
  if (done.status === "ok") return { ok: true, output: done.output ?? null, invocationId: done.id };
  const diagnostic = done.diagnostic as { message?: string } | null;
  return { ok: false, diagnostic: done.diagnostic ?? null, invocationId: done.id, message: `Tool "${tool.name}" failed${diagnostic?.message ? `: ${diagnostic.message}` : "."}` };
}
