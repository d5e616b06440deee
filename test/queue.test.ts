import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../server/db/client";
import { createLogger } from "../server/observability/logger";
import { readPresence, startHeartbeat } from "../server/queue/heartbeat";
import { startWorkerPool } from "../server/queue/worker";
import { createRedis, getRedis, quietQuit } from "../server/redis";
import { getProbe, runProbe, startProbe } from "../server/system/probe";
import { findDefinition } from "../worker/handlers";
import { eventually, useTestEnvironment } from "./support/env";

let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let pool: ReturnType<typeof startWorkerPool>;
let connection: ReturnType<typeof createRedis>;

beforeAll(async () => {
  environment = await useTestEnvironment("queue");
  connection = createRedis("worker");
  pool = startWorkerPool({
    connection,
    prefix: environment.env.CAXTON_REDIS_PREFIX,
    concurrency: 4,
    workerId: "test-worker",
    logger: createLogger("test", { level: "silent" }),
    findDefinition,
  });
  await pool.ready();
});

afterAll(async () => {
  await pool.close(5_000);
  await quietQuit(connection);
  await environment.cleanup();
});

describe("queue", () => {
  it("carries a probe from the web side through a worker into Postgres", async () => {
    // The job sleeps its duration in the worker, so the recorded round trip cannot be shorter.
    const probe = await startProbe(150);
    expect(probe.status).toBe("queued");
    const done = await eventually(async () => {
      const current = await getProbe(probe.id);
      return current?.status === "completed" ? current : null;
    });
    expect(done.workerId).toBe("test-worker");
    expect(done.roundTripMs).toBeGreaterThanOrEqual(150);
  });

  it("enqueues a record once however often it is enqueued (job id = row id)", async () => {
    const probe = await startProbe(0);
    const { enqueue } = await import("../server/queue/queues");
    const { jobs } = await import("../server/queue/jobs");
    await enqueue(jobs.systemProbe, { probeId: probe.id, durationMs: 0 }, probe.id);
    const queue = new Queue("system", { connection: getRedis(), prefix: environment.env.CAXTON_REDIS_PREFIX });
    await eventually(async () => (await getProbe(probe.id))?.status === "completed");
    const all = await queue.getJobs(["waiting", "active", "completed", "delayed", "failed"]);
    expect(all.filter((job) => job.id === probe.id)).toHaveLength(1);
    await queue.close();
  });

  it("treats a redelivered job as done when its effect is already recorded", async () => {
    const probe = await startProbe(0);
    await eventually(async () => (await getProbe(probe.id))?.status === "completed");
    const before = await getDb().probeRun.findUniqueOrThrow({ where: { id: probe.id } });
    await runProbe(probe.id, 0, "another-worker");
    const after = await getDb().probeRun.findUniqueOrThrow({ where: { id: probe.id } });
    expect(after).toEqual(before);
  });

  it("fails malformed job data once, with the reason, without retries", async () => {
    const queue = new Queue("system", { connection: getRedis(), prefix: environment.env.CAXTON_REDIS_PREFIX });
    const job = await queue.add("system.probe", { probeId: "", durationMs: -1 }, { attempts: 5 });
    const failed = await eventually(async () => {
      const state = await queue.getJobState(job.id!);
      return state === "failed" ? (await queue.getJob(job.id!))! : null;
    });
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/Invalid data for system.probe/);
    const unknown = await queue.add("no.such.job", {}, { attempts: 3 });
    const unknownFailed = await eventually(async () =>
      (await queue.getJobState(unknown.id!)) === "failed" ? queue.getJob(unknown.id!) : null,
    );
    expect(unknownFailed?.failedReason).toMatch(/Unknown job "no.such.job"/);
    await queue.close();
  });

  it("reports worker presence through heartbeats", async () => {
    const redis = getRedis();
    expect(await readPresence(redis, 1_000)).toEqual({ lastBeatAgeMs: null, workers: 0 });
    const heartbeat = startHeartbeat(redis, "beating-worker", 100, () => {});
    const presence = await eventually(async () => {
      const p = await readPresence(redis, 1_000);
      return p.workers === 1 ? p : null;
    });
    expect(presence.lastBeatAgeMs).toBeLessThan(1_000);
    await heartbeat.stop();
    expect((await readPresence(redis, 1_000)).workers).toBe(0);
  });
});
