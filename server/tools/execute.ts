import type { Prisma } from "@prisma/client";
import { getDb } from "../db/client";
import { sql } from "../db/sql";
import { createLogger } from "../observability/logger";
import { addToolMs } from "../quotas/tool-time";
import type { ToolManifest } from "./manifest";
import { isBreach, quarantinedDiagnostic, quarantineOf, recordBreach, remember } from "./quarantine";
import { getSandbox, sandboxAbandoned } from "./sandbox-instance";
import type { Diagnostic, RunnableTool, RunOutcome } from "./sandbox/types";

/** Workers that may begin one tool run: a run that never finished twice is not tried a third time. */
export const MAX_TOOL_RUN_ATTEMPTS = 2;

const logger = createLogger("tools");

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

/** Counts a breach against the version; a failure to record it must not lose the run's result. */
async function countBreach(versionId: string, diagnostic: Diagnostic) {
  try {
    const state = await recordBreach(versionId, diagnostic);
    if (state) remember(versionId, state);
  } catch (error) {
    logger.warn({ versionId, err: (error as Error).message }, "recording a tool's breach failed");
  }
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

const workerLost = (unfinished: number): Diagnostic => ({
  kind: "worker_lost",
  limit: MAX_TOOL_RUN_ATTEMPTS,
  observed: unfinished,
  message: `the worker running this tool stopped before the run finished (killed or wedged), ${unfinished} time${unfinished === 1 ? "" : "s"}; after ${MAX_TOOL_RUN_ATTEMPTS} it is not tried again. If the tool is yours, check it for loops or memory growth and upload a fixed version.`,
});

/** A run no attempt could finish ends as failed, so its caller is not left waiting. */
export async function giveUpOnInvocation(invocationId: string, reason: string): Promise<void> {
  const stalled = /stalled|started more than/i.test(reason);
  if (stalled) {
    // The last worker to run it never came back either: that counts against the version too.
    const invocation = await getDb().toolInvocation.findUnique({ where: { id: invocationId }, select: { status: true, toolVersionId: true } });
    if (invocation?.status === "queued") await countBreach(invocation.toolVersionId, workerLost(MAX_TOOL_RUN_ATTEMPTS));
  }
  await getDb().toolInvocation.updateMany({
    where: { id: invocationId, status: "queued" },
    data: {
      status: "failed",
      diagnostic: stalled
        ? { kind: "worker_lost", limit: MAX_TOOL_RUN_ATTEMPTS, observed: reason, message: `The tool run is not tried again: ${reason}. If the tool is yours, check it for loops or memory growth and upload a fixed version.` }
        : { kind: "trap", limit: null, observed: null, message: `The worker could not run the tool: ${reason}` },
      completedAt: new Date(),
    },
  });
}
