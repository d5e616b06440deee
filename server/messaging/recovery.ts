import { getDb } from "../db/client";
import type { Logger } from "../observability/logger";
import { jobs } from "../queue/jobs";
import { enqueue, getQueue } from "../queue/queues";
import { isRedisConnectionError } from "../redis";
import { giveUpOnInvocation } from "../tools/unfinished-runs";
import { giveUpOnMessage } from "./deliver";

/**
 * Postgres is the record of every request; Redis only holds the jobs that deliver them, and
 * keeps nothing on disk. After a Redis restart every job is gone, so a worker sweeps: any
 * REQUEST still `queued` or `running` whose job no longer exists is enqueued again with its
 * id as the job id (enqueueing twice adds one job; delivery stores one reply per request and
 * agent, so a turn run twice answers once).
 */

/** Rows younger than this are left alone: their sender is enqueueing them right now. */
export const RECOVERY_GRACE_MS = 5_000;
/** Requests looked at per sweep; a backlog is walked page by page over successive sweeps. */
export const RECOVERY_BATCH = 200;
export interface SweepResult {
  checked: number;
  requeued: number;
  givenUp: number;
}

interface Cursor {
  createdAt: Date;
  id: string;
}

/**
 * One sweep over (a page of) the pending requests of every workspace. This is the worker's
 * system-level view, like delivery itself: it reads ids only and hands each to the job,
 * which loads the row and acts inside its workspace.
 */
export async function sweepLostDeliveries(
  options: { now?: number; graceMs?: number; batch?: number; after?: Cursor | null } = {},
): Promise<SweepResult & { next: Cursor | null }> {
  const { now = Date.now(), graceMs = RECOVERY_GRACE_MS, batch = RECOVERY_BATCH, after = null } = options;
  const rows = await getDb().message.findMany({
    where: {
      performative: "REQUEST",
      status: { in: ["queued", "running"] },
      createdAt: { lt: new Date(now - graceMs) },
      ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: batch,
    select: { id: true, createdAt: true, workspaceId: true },
  });
  const queue = getQueue(jobs.messageDeliver.queue);
  const result: SweepResult = { checked: rows.length, requeued: 0, givenUp: 0 };
  await Promise.all(
    rows.map(async ({ id, workspaceId }) => {
      const state = await queue.getJobState(id);
      if (state === "unknown") {
        await enqueue(jobs.messageDeliver, { messageId: id, workspaceId }, id);
        result.requeued++;
      } else if (state === "failed" || state === "completed") {
        const job = await queue.getJob(id);
        if (state === "failed" && !isRedisConnectionError(job?.failedReason ?? "")) {
          // Out of attempts, yet the request was never given up (recording it failed, e.g.
          // Postgres was away): record the FAILURE now, as the last attempt meant to.
          await giveUpOnMessage(id, workspaceId, job?.failedReason || "the delivery job failed");
          result.givenUp++;
        } else {
          // Failed only because Redis went away (never given up, see server/queue/worker.ts),
          // or finished without recording anything: the job id stays taken until the old job
          // is removed, so remove it and deliver again.
          await job?.remove().catch(() => {});
          await enqueue(jobs.messageDeliver, { messageId: id, workspaceId }, id);
          result.requeued++;
        }
      }
      // waiting, delayed, prioritized, active: the queue has it in hand.
    }),
  );
  const last = rows.at(-1);
  return { ...result, next: rows.length === batch && last ? { createdAt: last.createdAt, id: last.id } : null };
}

/**
 * Tool runs still `queued` whose job is gone (Redis lost it) or failed without recording
 * anything (its workers kept dying under it) end as failed: a tool run is not re-run behind
 * its caller's back, and an invocation never stays queued for good.
 */
export async function sweepLostToolRuns(options: { now?: number; graceMs?: number; batch?: number } = {}): Promise<number> {
  const { now = Date.now(), graceMs = RECOVERY_GRACE_MS, batch = RECOVERY_BATCH } = options;
  const rows = await getDb().toolInvocation.findMany({
    where: { status: "queued", createdAt: { lt: new Date(now - graceMs) } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: batch,
    select: { id: true, workspaceId: true },
  });
  const queue = getQueue(jobs.toolRun.queue);
  let givenUp = 0;
  await Promise.all(
    rows.map(async ({ id, workspaceId }) => {
      const state = await queue.getJobState(id);
      if (state !== "unknown" && state !== "failed" && state !== "completed") return;
      const job = state === "unknown" ? undefined : await queue.getJob(id);
      await giveUpOnInvocation(
        workspaceId,
        id,
        job?.failedReason || "its job was lost before a worker finished it (Redis restarted?); run the tool again",
      );
      givenUp++;
    }),
  );
  return givenUp;
}

/**
 * Sweeps at start and every `intervalMs`, one sweep at a time. A sweep that fails (Redis or
 * Postgres away) is logged and tried again at the next tick: that is the point of sweeping.
 */
export function startRecovery(options: { intervalMs: number; logger: Logger }) {
  const { intervalMs, logger } = options;
  let cursor: Cursor | null = null;
  let running: Promise<void> | null = null;
  let failing = false;

  const tick = () => {
    if (running) return;
    running = Promise.all([sweepLostDeliveries({ after: cursor }), sweepLostToolRuns()])
      .then(([result, toolRunsGivenUp]) => {
        cursor = result.next;
        if (toolRunsGivenUp)
          logger.warn({ event: "tool runs given up", count: toolRunsGivenUp }, "ended tool runs whose job was lost or failed unrecorded");
        if (failing) logger.info({ event: "recovery resumed" }, "recovery sweep works again");
        failing = false;
        if (result.requeued || result.givenUp) {
          logger.warn(
            { event: "recovered", requeued: result.requeued, givenUp: result.givenUp },
            "re-enqueued requests whose delivery job was lost",
          );
        }
      })
      .catch((error: Error) => {
        // Once per outage, not once per tick.
        if (!failing) logger.warn({ err: error.message }, "recovery sweep failed; retrying every tick");
        failing = true;
      })
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
