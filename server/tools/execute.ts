import type { Prisma } from "@prisma/client";
import { getDb } from "../db/client";
import { sql } from "../db/sql";
import { addToolMs } from "../quotas/tool-time";
import type { ToolManifest } from "./manifest";
import { isBreach, quarantinedDiagnostic, quarantineOf } from "./quarantine";
import { getSandbox, sandboxAbandoned } from "./sandbox-instance";
import type { RunnableTool, RunOutcome } from "./sandbox/types";
import { countBreach, MAX_TOOL_RUN_ATTEMPTS, workerLost } from "./unfinished-runs";

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

/**
 * Runs a tool version on an input in this process's sandbox (worker only): every caller (a
 * direct run, an agent's tool call, a tool agent) comes through here, so a quarantined version
 * is refused and every breach counted in one place.
 */
export async function runVersion(versionId: string, input: unknown): Promise<RunOutcome> {
  const abandoned = () => new Error("the worker stopped while this tool was running; the job runs again on another worker");
  if (sandboxAbandoned()) throw abandoned();
  const runnable = await runnableFor(versionId);
  const quarantine = await quarantineOf(versionId);
  if (quarantine?.quarantinedAt) return { ok: false, diagnostic: quarantinedDiagnostic(runnable.name, quarantine), durationMs: 0 };
  const outcome = await (await getSandbox()).run(runnable, input);
  if (sandboxAbandoned()) throw abandoned();
  if (!outcome.ok && isBreach(outcome.diagnostic)) await countBreach(versionId, outcome.diagnostic);
  return outcome;
}

export async function executeInvocation(invocationId: string): Promise<void> {
  const db = getDb();
  // Counted in the row before anything runs: an attempt that never recorded its result was
  // ended by its worker dying or wedging, and that count survives BullMQ losing its own.
  const [invocation] = await sql<{ attempts: number; toolVersionId: string; input: unknown; workspaceId: string }>(
    `UPDATE "ToolInvocation" SET attempts = attempts + 1 WHERE id = $1 AND status = 'queued' RETURNING attempts, "toolVersionId", input, "workspaceId"`,
    [invocationId],
  );
  // A redelivered job whose invocation already has its result changes nothing.
  if (!invocation) return;
  if (invocation.attempts > 1) {
    const lost = workerLost(invocation.attempts - 1);
    await countBreach(invocation.toolVersionId, lost);
    if (invocation.attempts > MAX_TOOL_RUN_ATTEMPTS) {
      await db.toolInvocation.updateMany({ where: { id: invocationId, status: "queued" }, data: { status: "failed", diagnostic: lost as unknown as Prisma.InputJsonValue, completedAt: new Date() } });
      return;
    }
  }
  const outcome = await runVersion(invocation.toolVersionId, invocation.input);
  const recorded = await db.toolInvocation.updateMany({
    where: { id: invocationId, status: "queued" },
    data: outcome.ok
      ? { status: "ok", output: (outcome.output ?? null) as Prisma.InputJsonValue, durationMs: Math.round(outcome.durationMs), completedAt: new Date() }
      : { status: "failed", diagnostic: outcome.diagnostic as unknown as Prisma.InputJsonValue, durationMs: Math.round(outcome.durationMs), completedAt: new Date() },
  });
  if (recorded.count === 1) await addToolMs(invocation.workspaceId, outcome.durationMs);
}
