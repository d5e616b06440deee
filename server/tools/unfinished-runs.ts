import { getDb } from "../db/client";
import { createLogger } from "../observability/logger";
import { recordBreach, remember } from "./quarantine";
import type { Diagnostic } from "./sandbox/types";

/**
 * Runs that end without the sandbox's answer: a worker lost under them (killed or wedged), or
 * a job given up. Kept apart from execute.ts, which loads the sandbox, because the web process
 * and the recovery sweep end such runs too and must never load Extism or isolated-vm.
 */

const logger = createLogger("tools");

/** Workers that may begin one tool run: a run that never finished twice is not tried a third time. */
export const MAX_TOOL_RUN_ATTEMPTS = 2;

/** Counts a breach against the version; a failure to record it must not lose the run's result. */
export async function countBreach(workspaceId: string, versionId: string, diagnostic: Diagnostic) {
  try {
    const state = await recordBreach(workspaceId, versionId, diagnostic);
    if (state) remember(versionId, state);
  } catch (error) {
    logger.warn({ versionId, err: (error as Error).message }, "recording a tool's breach failed");
  }
}

export const workerLost = (unfinished: number): Diagnostic => ({
  kind: "worker_lost",
  limit: MAX_TOOL_RUN_ATTEMPTS,
  observed: unfinished,
  message:
    `the worker running this tool stopped before the run finished (killed or wedged), ${unfinished} time${unfinished === 1 ? "" : "s"}; ` +
    `after ${MAX_TOOL_RUN_ATTEMPTS} it is not tried again. If the tool is yours, check it for loops or memory growth and upload a fixed version.`,
});

/**
 * The workspace of an invocation named by id alone: only for a tool.run job enqueued before
 * jobs carried their workspace (still in Redis across a rolling restart).
 */
export async function workspaceOfInvocation(invocationId: string): Promise<string | null> {
  return (await getDb().toolInvocation.findUnique({ where: { id: invocationId }, select: { workspaceId: true } }))?.workspaceId ?? null;
}

/** A run no attempt could finish ends as failed, so its caller is not left waiting. */
export async function giveUpOnInvocation(jobWorkspaceId: string | undefined, invocationId: string, reason: string): Promise<void> {
  const workspaceId = jobWorkspaceId ?? (await workspaceOfInvocation(invocationId));
  if (!workspaceId) return;
  const stalled = /stalled|started more than/i.test(reason);
  if (stalled) {
    // The last worker to run it never came back either: that counts against the version too.
    const invocation = await getDb().toolInvocation.findFirst({
      where: { id: invocationId, workspaceId },
      select: { status: true, toolVersionId: true },
    });
    if (invocation?.status === "queued") await countBreach(workspaceId, invocation.toolVersionId, workerLost(MAX_TOOL_RUN_ATTEMPTS));
  }
  await getDb().toolInvocation.updateMany({
    where: { id: invocationId, workspaceId, status: "queued" },
    data: {
      status: "failed",
      diagnostic: stalled
        ? {
            kind: "worker_lost",
            limit: MAX_TOOL_RUN_ATTEMPTS,
            observed: reason,
            message: `The tool run is not tried again: ${reason}. If the tool is yours, check it for loops or memory growth and upload a fixed version.`,
          }
        : { kind: "trap", limit: null, observed: null, message: `The worker could not run the tool: ${reason}` },
      completedAt: new Date(),
    },
  });
}
