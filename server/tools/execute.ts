import type { Prisma } from "@prisma/client";
import { getDb } from "../db/client";
import { addToolMs } from "../quotas/tool-time";
import type { ToolManifest } from "./manifest";
import { getSandbox, sandboxAbandoned } from "./sandbox-instance";
import type { RunnableTool, RunOutcome } from "./sandbox/types";

/**
 * The worker's side of a tool run: one sandbox per worker process (warm instances pooled
 * inside it), the invocation's result written once, its time metered.
 */

/** Versions never change, so what the sandbox needs is kept per version id. */
const runnables = new Map<string, RunnableTool>();

/** What the sandbox needs to run a version; the module is read from the database only once. */
async function runnableFor(versionId: string): Promise<RunnableTool> {
  let runnable = runnables.get(versionId);
  if (!runnable) {
    const version = await getDb().toolVersion.findUniqueOrThrow({ where: { id: versionId } });
    const manifest = version.manifest as unknown as ToolManifest;
    runnable = {
      key: version.id,
      name: manifest.name,
      kind: version.kind,
      entry: manifest.entry,
      code: new Uint8Array(version.module),
      limits: manifest.permissions,
      inputSchema: manifest.inputSchema,
      outputSchema: manifest.outputSchema,
    };
    if (runnables.size >= 500) runnables.delete(runnables.keys().next().value!);
    runnables.set(version.id, runnable);
  }
  return runnable;
}

/** Runs a tool version on an input in this process's sandbox (worker only). */
export async function runVersion(versionId: string, input: unknown): Promise<RunOutcome> {
  const abandoned = () => new Error("the worker stopped while this tool was running; the job runs again on another worker");
  if (sandboxAbandoned()) throw abandoned();
  const outcome = await (await getSandbox()).run(await runnableFor(versionId), input);
  if (sandboxAbandoned()) throw abandoned();
  return outcome;
}

export async function executeInvocation(invocationId: string): Promise<void> {
  const db = getDb();
  const invocation = await db.toolInvocation.findUnique({ where: { id: invocationId } });
  // A redelivered job whose invocation already has its result changes nothing.
  if (!invocation || invocation.status !== "queued") return;
  const outcome = await runVersion(invocation.toolVersionId, invocation.input);
  const recorded = await db.toolInvocation.updateMany({
    where: { id: invocationId, status: "queued" },
    data: outcome.ok
      ? { status: "ok", output: (outcome.output ?? null) as Prisma.InputJsonValue, durationMs: Math.round(outcome.durationMs), completedAt: new Date() }
      : { status: "failed", diagnostic: outcome.diagnostic as unknown as Prisma.InputJsonValue, durationMs: Math.round(outcome.durationMs), completedAt: new Date() },
  });
  if (recorded.count === 1) await addToolMs(invocation.workspaceId, outcome.durationMs);
}

/** A run no attempt could finish ends as failed, so its caller is not left waiting. */
export async function giveUpOnInvocation(invocationId: string, reason: string): Promise<void> {
  await getDb().toolInvocation.updateMany({
    where: { id: invocationId, status: "queued" },
    data: { status: "failed", diagnostic: { kind: "trap", limit: null, observed: null, message: `The worker could not run the tool: ${reason}` }, completedAt: new Date() },
  });
}
