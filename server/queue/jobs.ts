import type { JobsOptions } from "bullmq";
import { z } from "zod";

/**
 * Every job Caxton runs, in one place: its queue, the zod schema of its data and its default
 * options: the contract producers and the worker share. Producers enqueue through `enqueue`
 * (server/queue/queues.ts), which validates against the schema. Handlers are bound to these
 * contracts in the worker (worker/handlers.ts), so this module imports nothing of the domain
 * and the web process never loads a handler.
 *
 * Handlers must be idempotent (delivery is at least once): key every effect by the job id.
 */
export const queueNames = ["system", "tools", "messages"] as const;
export type QueueName = (typeof queueNames)[number];

export interface JobContext {
  jobId: string;
  workerId: string;
}

export interface JobContract<T> {
  name: string;
  queue: QueueName;
  schema: z.ZodType<T>;
  options: JobsOptions;
}

export interface JobHandler<T> {
  handle(data: T, context: JobContext): Promise<unknown>;
  /**
   * Called once when the last attempt has failed: records the outcome the waiting caller
   * and the data need (a FAILURE reply, a failed invocation), so nothing stays "queued".
   */
  onGiveUp?(data: T, reason: string): Promise<void>;
}

/** A contract with its handler bound: what the worker pool runs. */
export type JobDefinition<T> = JobContract<T> & JobHandler<T>;

const define = <T>(contract: JobContract<T>) => contract;

/** Bounded retention: keep recent jobs for inspection without growing Redis forever. */
const retention = { removeOnComplete: { count: 1_000, age: 24 * 3600 }, removeOnFail: { count: 5_000 } };

export const jobs = {
  systemProbe: define({
    name: "system.probe",
    queue: "system",
    schema: z.object({ probeId: z.string().min(1), durationMs: z.number().int().min(0).max(60_000) }),
    options: { attempts: 3, backoff: { type: "exponential", delay: 500 }, ...retention },
  }),
  toolRun: define({
    name: "tool.run",
    queue: "tools",
    // workspaceId: every statement the handler makes is scoped to it. Optional only for jobs
    // enqueued before it was carried (still in Redis across a rolling restart): the handler
    // then reads it from the row the job names.
    schema: z.object({ invocationId: z.string().min(1), workspaceId: z.string().min(1).optional() }),
    // A tool's failure is a result (recorded with its diagnostic), not a reason to retry;
    // attempts cover a worker that died mid-call.
    options: { attempts: 2, backoff: { type: "fixed", delay: 200 }, ...retention },
  }),
  messageDeliver: define({
    name: "message.deliver",
    queue: "messages",
    // workspaceId: as for tool.run (optional for jobs enqueued before it was carried).
    schema: z.object({ messageId: z.string().min(1), workspaceId: z.string().min(1).optional() }),
    // Replies are keyed by request and agent, so a retry after a worker died mid-turn
    // finishes the turn without answering twice.
    options: { attempts: 3, backoff: { type: "exponential", delay: 500 }, ...retention },
  }),
} as const;

export type JobKey = keyof typeof jobs;
export type JobName = (typeof jobs)[JobKey]["name"];
export type JobData<K extends JobKey> = z.infer<(typeof jobs)[K]["schema"]>;

/** One handler per job: a map missing one (or with a wrong data type) does not compile. */
export type JobHandlers = { [K in JobKey]: JobHandler<JobData<K>> };

/** The contracts with their handlers bound, looked up by job name (for the worker pool). */
export function bindJobs(handlers: JobHandlers): (name: string) => JobDefinition<unknown> | undefined {
  const byName = new Map<string, JobDefinition<unknown>>(
    (Object.keys(jobs) as JobKey[]).map((key) => [jobs[key].name, { ...jobs[key], ...handlers[key] } as unknown as JobDefinition<unknown>]),
  );
  return (name) => byName.get(name);
}
