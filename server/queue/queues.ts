import { Queue, QueueEvents, type Job } from "bullmq";
import { getConfig } from "../config/load";
import type { Redis } from "ioredis";
import { createRedis, quietQuit } from "../redis";
import type { JobContract, QueueName } from "./jobs";

const holder = globalThis as unknown as {
  __caxtonQueues?: Map<QueueName, Queue>;
  __caxtonQueueConnection?: Redis;
  __caxtonQueueEvents?: Map<QueueName, { events: QueueEvents; connection: Redis }>;
};

export function getQueue(name: QueueName): Queue {
  holder.__caxtonQueues ??= new Map();
  let queue = holder.__caxtonQueues.get(name);
  if (!queue) {
    holder.__caxtonQueueConnection ??= createRedis("queue");
    queue = new Queue(name, { connection: holder.__caxtonQueueConnection, prefix: getConfig().redisPrefix });
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
export async function enqueue<T>(job: JobContract<T>, data: T, jobId: string): Promise<Job> {
  const parsed = job.schema.parse(data);
  return getQueue(job.queue).add(job.name, parsed, { ...job.options, jobId });
}

/**
 * Completion events of a queue, for callers that wait for their job's result (a tool run
 * asked for synchronously). One subscriber connection per queue and process.
 */
export function getQueueEvents(name: QueueName): QueueEvents {
  holder.__caxtonQueueEvents ??= new Map();
  let entry = holder.__caxtonQueueEvents.get(name);
  if (!entry) {
    const connection = createRedis("worker");
    const events = new QueueEvents(name, { connection, prefix: getConfig().redisPrefix });
    events.on("error", () => {});
    entry = { events, connection };
    holder.__caxtonQueueEvents.set(name, entry);
  }
  return entry.events;
}

export async function closeQueues(): Promise<void> {
  const queues = holder.__caxtonQueues;
  const events = holder.__caxtonQueueEvents;
  const connection = holder.__caxtonQueueConnection;
  holder.__caxtonQueues = undefined;
  holder.__caxtonQueueConnection = undefined;
  holder.__caxtonQueueEvents = undefined;
  await Promise.all([
    Promise.all([...(queues?.values() ?? [])].map((q) => q.close().catch(() => {}))).then(() => connection && quietQuit(connection)),
    // QueueEvents does not close a connection it was given: quit it too.
    ...[...(events?.values() ?? [])].map(({ events, connection }) =>
      events
        .close()
        .catch(() => {})
        .then(() => quietQuit(connection)),
    ),
  ]);
}
