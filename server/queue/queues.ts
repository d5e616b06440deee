import { Queue } from "bullmq";
import { getConfig } from "../config/load";
import { getRedis } from "../redis";
import type { JobDefinition, QueueName } from "./jobs";

const holder = globalThis as unknown as { __caxtonQueues?: Map<QueueName, Queue> };

export function getQueue(name: QueueName): Queue {
  holder.__caxtonQueues ??= new Map();
  let queue = holder.__caxtonQueues.get(name);
  if (!queue) {
    queue = new Queue(name, { connection: getRedis(), prefix: getConfig().redisPrefix });
    // Errors reach the caller of add(); the event only needs a listener so it cannot crash us.
    queue.on("error", () => {});
    holder.__caxtonQueues.set(name, queue);
  }
  return queue;
}

/**
 * Validates the data against the job's schema, then enqueues with `jobId` (the id of the
 * row recorded first), so enqueueing the same record twice adds one job.
 */
export async function enqueue<T>(job: JobDefinition<T>, data: T, jobId: string): Promise<void> {
  const parsed = job.schema.parse(data);
  await getQueue(job.queue).add(job.name, parsed, { ...job.options, jobId });
}

export async function closeQueues(): Promise<void> {
  const queues = holder.__caxtonQueues;
  holder.__caxtonQueues = undefined;
  await Promise.all([...(queues?.values() ?? [])].map((q) => q.close().catch(() => {})));
}
