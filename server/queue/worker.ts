import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "../observability/logger";
import { isRedisConnectionError } from "../redis";
import { queueNames, type JobDefinition } from "./jobs";
import type { Progress } from "./progress";

export interface WorkerPoolOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  workerId: string;
  logger: Logger;
  /** How long a job stays claimed by a worker that stopped renewing its lock (BullMQ's default: 30 s). */
  lockMs?: number;
  /**
   * A job's contract with its handler bound, by job name: `bindJobs(handlers)` from
   * worker/handlers.ts in the worker; tests pass their own.
   */
  findDefinition: (name: string) => JobDefinition<unknown> | undefined;
  /** Counts started and finished jobs for the heartbeat (server/queue/progress.ts). */
  progress?: Progress;
}

/** One BullMQ Worker per queue, all dispatching through the job definitions. */
export function startWorkerPool(options: WorkerPoolOptions) {
  const { logger, workerId } = options;

  async function processJob(job: Job) {
    const end = options.progress?.begin(job.queueName);
    try {
      return await runJob(job);
    } finally {
      end?.();
    }
  }

  async function runJob(job: Job) {
    const definition = options.findDefinition(job.name);
    if (!definition) throw new UnrecoverableError(`Unknown job "${job.name}": no definition in server/queue/jobs.ts`);
    const parsed = definition.schema.safeParse(job.data);
    if (!parsed.success) {
      // Retrying cannot fix malformed data: fail once, with the reason, and move on.
      throw new UnrecoverableError(`Invalid data for ${job.name}: ${parsed.error.message}`);
    }
    const started = performance.now();
    let result: unknown;
    try {
      result = await definition.handle(parsed.data, { jobId: job.id ?? "", workerId });
    } catch (error) {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      // Redis going away is no reason to give up: the job cannot be recorded as failed either,
      // and the recovery sweep enqueues its request again once Redis is back.
      if (lastAttempt && definition.onGiveUp && !isRedisConnectionError(error)) {
        const reason = `${(error as Error).message} (after ${job.attemptsMade + 1} attempt${job.attemptsMade ? "s" : ""})`;
        await definition
          .onGiveUp(parsed.data, reason)
          .catch((giveUpError: Error) =>
            logger.error({ job: job.name, jobId: job.id, err: giveUpError.message }, "recording a job's failure failed"),
          );
      }
      throw error;
    }
    logger.debug({ job: job.name, jobId: job.id, durationMs: Math.round(performance.now() - started) }, "job done");
    return result;
  }

  // A job whose workers kept dying or wedging under it (it stalled past maxStalledCount) is
  // failed by BullMQ without running the handler again, so processJob never gives it up:
  // record its outcome here, or its request or invocation would wait forever.
  const lostTooOften = (job: Job, error: Error) =>
    Boolean(job.deferredFailure) || /stalled more than|started more than/.test(error.message);
  async function giveUpOnLost(job: Job, error: Error) {
    const definition = options.findDefinition(job.name);
    const parsed = definition?.schema.safeParse(job.data);
    if (!definition?.onGiveUp || !parsed?.success) return;
    const reason = `its workers stopped (killed or wedged) while running it, too often (${error.message})`;
    await definition
      .onGiveUp(parsed.data, reason)
      .catch((giveUpError: Error) =>
        logger.error({ job: job.name, jobId: job.id, err: giveUpError.message }, "recording a job's failure failed"),
      );
  }

  // While Redis is away every Worker reports each reconnect attempt: say it once per outage.
  let redisAway = false;
  options.connection.on("ready", () => {
    if (redisAway) logger.info({ event: "redis back" }, "Redis is reachable again; taking jobs");
    redisAway = false;
  });

  const workers = queueNames.map((queue) => {
    const worker = new Worker(queue, processJob, {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      // A killed worker's jobs are found stalled and taken over after this long.
      ...(options.lockMs ? { lockDuration: options.lockMs, stalledInterval: options.lockMs } : {}),
    });
    worker.on("error", (error) => {
      if (!isRedisConnectionError(error)) return logger.error({ queue, err: error }, "queue worker error");
      if (!redisAway)
        logger.warn(
          { event: "redis away", err: error.message },
          "Redis is unreachable; reconnecting (jobs it loses are re-enqueued by the recovery sweep)",
        );
      redisAway = true;
    });
    worker.on("failed", (job, error) => {
      logger.warn({ queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: error.message }, "job failed");
      if (job && lostTooOften(job, error)) void giveUpOnLost(job, error);
    });
    return worker;
  });

  return {
    workers,
    async ready() {
      await Promise.all(workers.map((w) => w.waitUntilReady()));
    },
    /**
     * Stops taking jobs and waits for the running ones (Worker.close() waits for them).
     * Past `timeoutMs` it gives up waiting; BullMQ re-delivers those jobs once their lock
     * expires, so nothing is lost, only done later.
     */
    async close(timeoutMs: number): Promise<"drained" | "timed-out"> {
      const closing = Promise.all(workers.map((w) => w.close())).then(() => "drained" as const);
      const timeout = new Promise<"timed-out">((resolve) => setTimeout(() => resolve("timed-out"), timeoutMs).unref());
      // Not close(true) on the deadline: a BullMQ Worker already closing answers a second
      // close() with the first one's promise, which waits for the running jobs all the same.
      // Their locks are renewed until the process exits, then run out and the jobs move on.
      return Promise.race([closing, timeout]);
    },
  };
}
