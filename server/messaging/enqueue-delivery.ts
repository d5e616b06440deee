import type { Job } from "bullmq";
import { jobs } from "../queue/jobs";
import { enqueue } from "../queue/queues";

/**
 * Handing a recorded request to the queue, from the web process (a send) and the worker (a
 * delegation, the recovery sweep). Kept apart from the sweep so that sending imports no
 * worker code.
 */

/** How long a send waits for Redis to take the job before leaving it to the sweeper. */
const ENQUEUE_TIMEOUT_MS = 2_000;

/**
 * Enqueues delivery of a recorded request. When Redis does not take it (down, restarting),
 * the row stays `queued` and the next sweep enqueues it: the sender still gets its message.
 */
export async function enqueueDelivery(workspaceId: string, messageId: string): Promise<Job | null> {
  const adding = enqueue(jobs.messageDeliver, { messageId, workspaceId }, messageId);
  // A late success is harmless (same job id); a late failure must not become unhandled.
  adding.catch(() => {});
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), ENQUEUE_TIMEOUT_MS).unref());
  return Promise.race([adding, timeout]).catch(() => null);
}
