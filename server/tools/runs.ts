import { z } from "zod";
import type { Prisma } from "@prisma/client";
import { authorize, type Actor } from "../auth/actor";
import { getDb } from "../db/client";
import { AppError } from "../lib/errors";
import { jobs } from "../queue/jobs";
import { enqueue, getQueue, getQueueEvents } from "../queue/queues";
import { limitOf } from "../quotas/quotas";
import { secondsUntilUtcMidnight, toolMsToday } from "../quotas/tool-time";
import type { ToolManifest } from "./manifest";
import { quarantinedDiagnostic } from "./quarantine";
import type { Diagnostic } from "./sandbox/types";
import { findLiveTool } from "./tools";
import { giveUpOnInvocation } from "./unfinished-runs";

/**
 * Running a tool from the web process: record the invocation, enqueue it (its id is the job
 * id), and wait for a worker to run it in the sandbox. Tool code never runs here.
 */

export const diagnosticSchema = z.object({
  kind: z.enum(["timeout", "memory", "host_denied", "trap", "invalid_input", "invalid_output", "output_too_large", "quarantined", "worker_lost"]),
  limit: z.union([z.string(), z.number()]).nullable(),
  observed: z.union([z.string(), z.number()]).nullable(),
  message: z.string(),
});

export const invocationSchema = z.object({
  id: z.string(),
  tool: z.string(),
  version: z.int(),
  status: z.enum(["queued", "ok", "failed"]),
  caller: z.object({ type: z.string(), label: z.string() }),
  input: z.unknown(),
  output: z.unknown().nullable(),
  diagnostic: diagnosticSchema.nullable(),
  durationMs: z.int().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});
export type InvocationView = z.infer<typeof invocationSchema>;

type InvocationRow = Prisma.ToolInvocationGetPayload<{ include: { tool: { select: { name: true } }; version: { select: { number: true } } } }>;

export const viewOf = (row: InvocationRow): InvocationView => ({
  id: row.id,
  tool: row.tool.name,
  version: row.version.number,
  status: row.status,
  caller: { type: row.callerType, label: row.callerLabel },
  input: row.input,
  output: row.output ?? null,
  diagnostic: (row.diagnostic as Diagnostic | null) ?? null,
  durationMs: row.durationMs,
  createdAt: row.createdAt.toISOString(),
  completedAt: row.completedAt?.toISOString() ?? null,
});

export const invocationInclude = { tool: { select: { name: true } }, version: { select: { number: true } } } as const;

/** Refuses a run once the workspace has used its tool time for the day. */
async function enforceToolTime(workspaceId: string) {
  const [limit, used] = await Promise.all([limitOf(workspaceId, "tool_cpu_ms_per_day"), toolMsToday(workspaceId)]);
  if (used >= limit) {
    throw new AppError("quota_exceeded", `This workspace has used its ${limit} ms of tool run time for today (quota "tool_cpu_ms_per_day"; used ${used} ms).`, {
      details: { quota: "tool_cpu_ms_per_day", limit, used },
      hint: `It resets at 00:00 UTC (in ${Math.ceil(secondsUntilUtcMidnight() / 60)} min), or the workspace owner can raise it under Settings → Usage.`,
      retryAfterS: secondsUntilUtcMidnight(),
    });
  }
}

export interface Caller {
  type: "user" | "token" | "mcp" | "agent";
  label: string;
}

/** Runs the tool's active version on `input` and answers with the recorded invocation. */
export async function runTool(actor: Actor, name: string, input: unknown, caller: Caller = { type: actor.via === "token" ? "token" : "user", label: actor.label }): Promise<InvocationView> {
  authorize(actor, "tools.run");
  const tool = await findLiveTool(getDb(), actor.workspaceId, name);
  const version = tool.activeVersion;
  if (!version) throw new AppError("conflict", `Tool "${name}" has no active version.`, { hint: "Upload one." });
  const data = { workspaceId: actor.workspaceId, toolId: tool.id, toolVersionId: version.id, callerType: caller.type, callerLabel: caller.label, input: (input ?? null) as Prisma.InputJsonValue };
  if (version.quarantinedAt) {
    // Refused without running anything, and recorded, so the tool's recent calls show why.
    const diagnostic = quarantinedDiagnostic(name, version) as unknown as Prisma.InputJsonValue;
    return viewOf(await getDb().toolInvocation.create({ data: { ...data, status: "failed", diagnostic, durationMs: 0, completedAt: new Date() }, include: invocationInclude }));
  }
  await enforceToolTime(actor.workspaceId);
  const row = await getDb().toolInvocation.create({ data });
  const job = await enqueue(jobs.toolRun, { invocationId: row.id }, row.id);
  const timeoutMs = (version.manifest as unknown as ToolManifest).permissions.timeoutMs;
  // The sandbox enforces the tool's own timeout; this bound only covers a queue that is not
  // being served (no worker running), so the caller is not left waiting forever.
  try {
    await job.waitUntilFinished(getQueueEvents("tools"), timeoutMs + 15_000);
  } catch (error) {
    if (!/timed out|Job wait/i.test((error as Error).message)) throw error;
  }
  let done = await getDb().toolInvocation.findUniqueOrThrow({ where: { id: row.id }, include: invocationInclude });
  if (done.status === "queued" && (await job.getState()) === "failed") {
    // The job ended without the worker recording anything (its workers kept dying under it):
    // record that now rather than leave the run queued.
    await giveUpOnInvocation(row.id, (await getQueue("tools").getJob(row.id))?.failedReason || "the job failed");
    done = await getDb().toolInvocation.findUniqueOrThrow({ where: { id: row.id }, include: invocationInclude });
  }
  if (done.status === "queued") {
    throw new AppError("conflict", `Tool "${name}" was queued but no worker ran it in time (invocation ${row.id}).`, { hint: "Check that a worker process is running (System page, /api/health)." });
  }
  return viewOf(done);
}
