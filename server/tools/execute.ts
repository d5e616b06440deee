import { getDb } from "../db/client";
import { sql } from "../db/sql";
import { finishInvocation, recordInvocation, type Caller, type InvocationRecord } from "./invoke";
import type { ToolManifest } from "./manifest";
import { isBreach, quarantinedDiagnostic, quarantineOf } from "./quarantine";
import { getSandbox, noteVersionOwner, sandboxAbandoned } from "./sandbox-instance";
import type { RunnableTool, RunOutcome } from "./sandbox/types";
import { countBreach, MAX_TOOL_RUN_ATTEMPTS, workerLost, workspaceOfInvocation } from "./unfinished-runs";

/**
 * The worker's side of a tool run: one sandbox per worker process (warm instances pooled
 * inside it), the invocation's result written once, its time metered.
 */

/** Versions never change, so what the sandbox needs is kept per version id (with the workspace that owns it). */
const runnables = new Map<string, RunnableTool & { workspaceId: string }>();

/** What the sandbox needs to run a version of the workspace's; the module is read from the database only once. */
async function runnableFor(workspaceId: string, versionId: string): Promise<RunnableTool> {
  let runnable = runnables.get(versionId);
  if (runnable && runnable.workspaceId !== workspaceId) runnable = undefined;
  if (!runnable) {
    const version = await getDb().toolVersion.findFirstOrThrow({ where: { id: versionId, workspaceId } });
    const manifest = version.manifest as unknown as ToolManifest;
    runnable = {
      workspaceId,
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
    noteVersionOwner(version.id, workspaceId);
  }
  return runnable;
}

/**
 * Runs a tool version on an input in this process's sandbox (worker only): every caller (a
 * direct run, an agent's tool call, a tool agent) comes through here, so a quarantined version
 * is refused and every breach counted in one place.
 */
export async function runVersion(workspaceId: string, versionId: string, input: unknown): Promise<RunOutcome> {
  const abandoned = () => new Error("the worker stopped while this tool was running; the job runs again on another worker");
  if (sandboxAbandoned()) throw abandoned();
  const runnable = await runnableFor(workspaceId, versionId);
  const quarantine = await quarantineOf(workspaceId, versionId);
  if (quarantine?.quarantinedAt) return { ok: false, diagnostic: quarantinedDiagnostic(runnable.name, quarantine), durationMs: 0 };
  const outcome = await (await getSandbox()).run(runnable, input);
  if (sandboxAbandoned()) throw abandoned();
  if (!outcome.ok && isBreach(outcome.diagnostic)) await countBreach(workspaceId, versionId, outcome.diagnostic);
  return outcome;
}

/** A direct run's job (runs.ts recorded it queued): run it, and write its result through the one path (invoke.ts). */
export async function executeInvocation(invocationId: string, jobWorkspaceId?: string): Promise<void> {
  const workspaceId = jobWorkspaceId ?? (await workspaceOfInvocation(invocationId));
  if (!workspaceId) return;
  // Counted in the row before anything runs: an attempt that never recorded its result was
  // ended by its worker dying or wedging, and that count survives BullMQ losing its own.
  const [invocation] = await sql<
    Omit<InvocationRecord, "id" | "workspaceId" | "caller" | "result"> & { callerType: Caller["type"]; callerLabel: string }
  >(
    `UPDATE "ToolInvocation" SET attempts = attempts + 1 WHERE id = $1 AND ("workspaceId" = $2) IS TRUE AND status = 'queued'
     RETURNING attempts, "toolId", "toolVersionId", "callerType", "callerLabel", input`,
    [invocationId, workspaceId],
  );
  // A redelivered job whose invocation already has its result changes nothing.
  if (!invocation) return;
  const { callerType, callerLabel, ...rest } = invocation;
  const record = { ...rest, id: invocationId, workspaceId, caller: { type: callerType, label: callerLabel } };
  if (invocation.attempts > 1) {
    const lost = workerLost(invocation.attempts - 1);
    await countBreach(workspaceId, invocation.toolVersionId, lost);
    if (invocation.attempts > MAX_TOOL_RUN_ATTEMPTS) {
      await recordInvocation({ ...record, result: { ok: false, diagnostic: lost, durationMs: null } });
      return;
    }
  }
  await finishInvocation({ ...record, result: await runVersion(workspaceId, invocation.toolVersionId, invocation.input) });
}
