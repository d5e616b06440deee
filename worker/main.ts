import { randomUUID } from "node:crypto";
import os from "node:os";
import { getConfig } from "../server/config/load";
import { closeDb } from "../server/db/client";
import { startRecovery } from "../server/messaging/recovery";
import { createLogger, since } from "../server/observability/logger";
import { onStopSignals } from "../server/platform/stop-signals";
import { startHeartbeat } from "../server/queue/heartbeat";
import { RSS_EXIT_CODE, toMb, watchRss } from "../server/queue/rss-watch";
import { createProgress } from "../server/queue/progress";
import { closeQueues } from "../server/queue/queues";
import { startWorkerPool } from "../server/queue/worker";
import { closeRedis, createRedis, getRedis, quietQuit } from "../server/redis";
import { followIndexChanges } from "../server/routing/index-cache";
import { abandonSandbox, closeSandbox } from "../server/tools/sandbox-instance";
import { findDefinition } from "./handlers";

/**
 * The worker process: runs jobs from every queue and reports a heartbeat. Run more of
 * them (same REDIS_URL and DATABASE_URL) to scale out.
 */
async function main() {
  const started = performance.now();
  const config = getConfig();
  const workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const logger = createLogger("worker", { level: config.logLevel, format: config.logFormat });
  logger.info({ event: "starting", workerId }, "worker starting");

  const connection = createRedis("worker");
  const progress = createProgress(config.workerConcurrency);
  const pool = startWorkerPool({
    progress,
    connection,
    prefix: config.redisPrefix,
    concurrency: config.workerConcurrency,
    lockMs: config.jobLockMs,
    workerId,
    logger,
    findDefinition,
  });
  await pool.ready();
  // Workspace indexes (agents, tools) are dropped here when any process announces a change.
  const indexChanges = await followIndexChanges();
  const heartbeat = startHeartbeat(
    getRedis(),
    workerId,
    config.heartbeatIntervalMs,
    (error) => logger.warn({ err: error.message }, "heartbeat failed"),
    () => progress.snapshot(),
  );
  // Requests whose job Redis lost (a Redis restart keeps nothing) are enqueued again.
  const recovery = startRecovery({ intervalMs: config.recoveryIntervalMs, logger });
  logger.info(
    // The network policy tools and providers run under, so an operator sees the exceptions in force.
    {
      event: "worker ready",
      workerId,
      concurrency: config.workerConcurrency,
      networkAllow: config.networkAllow,
      networkDenyPrivate: config.networkDenyPrivate,
      durationMs: since(started),
    },
    "worker ready",
  );
  process.send?.({ event: "ready" });

  const limitMb = config.workerMaxRssMb;
  const startMb = toMb(process.memoryUsage.rss());
  if (startMb > limitMb) {
    logger.warn(
      { event: "rss limit below start", rssMb: startMb, limitMb },
      `worker.max_rss_mb (${limitMb} MB) is below this worker's memory right after start (${startMb} MB): it will be replaced after every job it takes; raise CAXTON_WORKER_MAX_RSS_MB`,
    );
  }
  const rssWatch = watchRss({
    limitMb,
    intervalMs: 1_000,
    jobsStarted: () => progress.totals().started,
    over(rssMb) {
      const { running } = progress.totals();
      logger.warn(
        { event: "rss limit", rssMb, limitMb, running, exitCode: RSS_EXIT_CODE },
        `worker memory ${rssMb} MB is over worker.max_rss_mb (${limitMb} MB): taking no new jobs, finishing the ${running} running ` +
          `(up to ${config.shutdownTimeoutMs} ms; any left are taken over by another worker), then exiting with ${RSS_EXIT_CODE} to be replaced`,
      );
      stop("rss limit").then(
        () => process.exit(RSS_EXIT_CODE),
        (error: unknown) => {
          process.stderr.write(`shutdown failed: ${(error as Error).stack ?? error}\n`);
          process.exit(1);
        },
      );
    },
  });

  let stopping: Promise<void> | undefined;
  // One drain, whether a signal or the memory watch asks first.
  const stop = (reason: string) => (stopping ??= drain(reason));
  async function drain(signal: string) {
    const t = performance.now();
    rssWatch.stop();
    logger.info({ event: "shutting down", signal }, "worker shutting down: finishing running jobs");
    const outcome = await pool.close(config.shutdownTimeoutMs);
    if (outcome === "timed-out") {
      logger.warn({ timeoutMs: config.shutdownTimeoutMs }, "jobs still running at the deadline; they will be retried");
    }
    await heartbeat.stop();
    await recovery.stop();
    if (outcome === "timed-out") {
      // Tool calls still running end without a result (see abandonSandbox); their jobs throw
      // and go back to the queue, which takes a moment more to record.
      await abandonSandbox();
      await pool.close(2_000);
    } else await closeSandbox();
    await indexChanges.stop();
    await Promise.all([closeQueues(), closeRedis(), quietQuit(connection), closeDb()]);
    logger.info({ event: "stopped", outcome, durationMs: since(t) }, "worker stopped");
  }
  onStopSignals(stop);
}

main().catch((error) => {
  process.stderr.write(`worker failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
