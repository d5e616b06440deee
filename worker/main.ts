import { randomUUID } from "node:crypto";
import os from "node:os";
import { getConfig } from "../server/config/load";
import { closeDb } from "../server/db/client";
import { startRecovery } from "../server/messaging/recovery";
import { createLogger, since } from "../server/observability/logger";
import { onStopSignals } from "../server/platform/stop-signals";
import { startHeartbeat } from "../server/queue/heartbeat";
import { createProgress } from "../server/queue/progress";
import { closeQueues } from "../server/queue/queues";
import { startWorkerPool } from "../server/queue/worker";
import { closeRedis, createRedis, getRedis, quietQuit } from "../server/redis";
import { followIndexChanges } from "../server/routing/index-cache";
import { closeSandbox } from "../server/tools/sandbox-instance";

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
  logger.info({ event: "worker ready", workerId, concurrency: config.workerConcurrency, durationMs: since(started) }, "worker ready");
  process.send?.({ event: "ready" });

  onStopSignals(async (signal) => {
    const t = performance.now();
    logger.info({ event: "shutting down", signal }, "worker shutting down: finishing running jobs");
    const outcome = await pool.close(config.shutdownTimeoutMs);
    if (outcome === "timed-out") {
      logger.warn({ timeoutMs: config.shutdownTimeoutMs }, "jobs still running at the deadline; they will be retried");
    }
    await heartbeat.stop();
    await recovery.stop();
    await closeSandbox();
    await indexChanges.stop();
    await Promise.all([closeQueues(), closeRedis(), quietQuit(connection), closeDb()]);
    logger.info({ event: "stopped", outcome, durationMs: since(t) }, "worker stopped");
  });
}

main().catch((error) => {
  process.stderr.write(`worker failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
