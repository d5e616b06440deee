import { z } from "zod";
import type { Prisma } from "@prisma/client";
import { authorize, type Actor } from "../auth/actor";
import { getDb } from "../db/client";
import { AppError } from "../lib/errors";
import { jobs } from "../queue/jobs";
import { enqueue, getQueue, getQueueEvents } from "../queue/queues";
import { newId } from "../db/ids";
import type { ToolManifest } from "./manifest";
import { recordInvocation, toolTimeError, toolTimeRefusal, type Caller } from "./invoke";
import { quarantinedDiagnostic } from "./quarantine";
import type { Diagnostic } from "./sandbox/types";
import { findLiveTool } from "./tools";
import { giveUpOnInvocation } from "./unfinished-runs";

/**
 * Running a tool from the web process: record the invocation, enqueue it (its id is the job
 * id), and wait for a worker to run it in the sandbox. Tool code never runs here.
 */

export const diagnosticSchema = z.object({
  kind: z.enum([
    "timeout",
    "memory",
    "host_denied",
    "trap",
    "invalid_input",
    "invalid_output",
    "output_too_large",
    "quarantined",
    "worker_lost",
    "quota_exceeded",
  ]),
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

type InvocationRow = Prisma.ToolInvocationGetPayload<{
  include: { tool: { select: { name: true } }; version: { select: { number: true } } };
}>;

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

export type { Caller } from "./invoke";

/** Runs the tool's active version on `input` and answers with the recorded invocation. */
export async function runTool(
  actor: Actor,
  name: string,
  input: unknown,
  caller: Caller = { type: actor.via === "token" ? "token" : "user", label: actor.label },
): Promise<InvocationView> {
  authorize(actor, "tools.run");
  const tool = await findLiveTool(getDb(), actor.workspaceId, name);
  const version = tool.activeVersion;
  if (!version) throw new AppError("conflict", `Tool "${name}" has no active version.`, { hint: "Upload one." });
  const { workspaceId } = actor;
  const record = { id: newId(), workspaceId, toolId: tool.id, toolVersionId: version.id, caller, input, attempts: 0 };
  const read = () => getDb().toolInvocation.findFirstOrThrow({ where: { id: record.id, workspaceId }, include: invocationInclude });
  if (version.quarantinedAt) {
    // Refused without running anything, and recorded, so the tool's recent calls show why.
    await recordInvocation({ ...record, result: { ok: false, diagnostic: quarantinedDiagnostic(name, version), durationMs: 0 } });
    return viewOf(await read());
  }
  const refusal = await toolTimeRefusal(workspaceId, actor.quotaOverrides);
  if (refusal) throw toolTimeError(refusal);
  await recordInvocation({ ...record, result: null });
  const job = await enqueue(jobs.toolRun, { invocationId: record.id, workspaceId }, record.id);
  const timeoutMs = (version.manifest as unknown as ToolManifest).permissions.timeoutMs;
  // The sandbox enforces the tool's own timeout; this bound only covers a queue that is not
  // being served (no worker running), so the caller is not left waiting forever.
  try {
    await job.waitUntilFinished(getQueueEvents("tools"), timeoutMs + 15_000);
  } catch (error) {
    if (!/timed out|Job wait/i.test((error as Error).message)) throw error;
  }
  let done = await read();
  if (done.status === "queued" && (await job.getState()) === "failed") {
    // The job ended without the worker recording anything (its workers kept dying under it):
    // record that now rather than leave the run queued.
    await giveUpOnInvocation(workspaceId, record.id, (await getQueue("tools").getJob(record.id))?.failedReason || "the job failed");
    done = await read();
  }
  if (done.status === "queued") {
    throw new AppError("conflict", `Tool "${name}" was queued but no worker ran it in time (invocation ${record.id}).`, {
      hint: "Check that a worker process is running (System page, /api/health).",
    });
  }
  return viewOf(done);
}
