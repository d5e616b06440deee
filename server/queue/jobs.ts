import type { JobsOptions } from "bullmq";
import { z } from "zod";
import { runProbe } from "../system/probe";

/**
 * Every job Caxton runs, in one place: its queue, the zod schema of its data, its default
 * options and its handler. Producers enqueue through `enqueue` (server/queue/queues.ts),
 * which validates against the schema; the worker looks handlers up here.
 *
 * Handlers must be idempotent (delivery is at least once): key every effect by the job id.
 */
export const queueNames = ["system", "tools", "messages"] as const;
export type QueueName = (typeof queueNames)[number];

export interface JobContext {
  jobId: string;
  workerId: string;
}

export interface JobDefinition<T> {
  name: string;
  queue: QueueName;
  schema: z.ZodType<T>;
  options: JobsOptions;
  handle(data: T, context: JobContext): Promise<unknown>;
  /**
   * Called once when the last attempt has failed: records the outcome the waiting caller
   * and the data need (a FAILURE reply, a failed invocation), so nothing stays "queued".
   */
  onGiveUp?(data: T, reason: string): Promise<void>;
}

const define = <T>(definition: JobDefinition<T>) => definition;

/** Bounded retention: keep recent jobs for inspection without growing Redis forever. */
const retention = { removeOnComplete: { count: 1_000, age: 24 * 3600 }, removeOnFail: { count: 5_000 } };

export const jobs = {
  systemProbe: define({
    name: "system.probe",
    queue: "system",
    schema: z.object({ probeId: z.string().min(1), durationMs: z.number().int().min(0).max(60_000) }),
    options: { attempts: 3, backoff: { type: "exponential", delay: 500 }, ...retention },
    handle: (data, context) => runProbe(data.probeId, data.durationMs, context.workerId),
  }),
  toolRun: define({
    name: "tool.run",
    queue: "tools",
    schema: z.object({ invocationId: z.string().min(1) }),
    // A tool's failure is a result (recorded with its diagnostic), not a reason to retry;
    // attempts cover a worker that died mid-call.
    options: { attempts: 2, backoff: { type: "fixed", delay: 200 }, ...retention },
    // Imported on demand: the sandboxes load only in the worker, never in the web process.
    handle: async (data) => (await import("../tools/execute")).executeInvocation(data.invocationId),
    onGiveUp: async (data, reason) => (await import("../tools/execute")).giveUpOnInvocation(data.invocationId, reason),
  }),
  messageDeliver: define({
    name: "message.deliver",
    queue: "messages",
    schema: z.object({ messageId: z.string().min(1) }),
    // Replies are keyed by request and agent, so a retry after a worker died mid-turn
    // finishes the turn without answering twice.
    options: { attempts: 3, backoff: { type: "exponential", delay: 500 }, ...retention },
    handle: async (data) => (await import("../messaging/deliver")).deliverMessage(data.messageId),
    onGiveUp: async (data, reason) => (await import("../messaging/deliver")).giveUpOnMessage(data.messageId, reason),
  }),
} as const;

export type JobName = (typeof jobs)[keyof typeof jobs]["name"];

const byName = new Map<string, JobDefinition<unknown>>(
  Object.values(jobs).map((definition) => [definition.name, definition as JobDefinition<unknown>]),
);

export function findJob(name: string): JobDefinition<unknown> | undefined {
  return byName.get(name);
}
