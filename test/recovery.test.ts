import { Worker } from "bullmq";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../server/db/client";
import { sweepLostDeliveries } from "../server/messaging/recovery";
import { createLogger } from "../server/observability/logger";
import { jobs, type JobDefinition } from "../server/queue/jobs";
import { enqueue, getQueue } from "../server/queue/queues";
import { startWorkerPool } from "../server/queue/worker";
import { createRedis, quietQuit } from "../server/redis";
import { eventually, useTestEnvironment } from "./support/env";
import { createWorkspaceWithRoles } from "./support/identity";

// The recovery sweep on its own, against the real Postgres and Redis: which open requests it
// enqueues again, which it leaves alone, and what it does with jobs that ran out of attempts.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let workspaceId: string;

beforeAll(async () => {
  environment = await useTestEnvironment("recovery");
  workspaceId = (await createWorkspaceWithRoles("recovery")).workspace.id;
});
afterAll(async () => {
  await environment?.cleanup();
});

const ago = (ms: number) => new Date(Date.now() - ms);

async function request(status: "queued" | "running" | "answered", createdAt: Date) {
  return getDb().message.create({
    data: {
      workspaceId,
      conversation: { create: { workspaceId, subject: "shout" } },
      performative: "REQUEST",
      capability: "shout",
      senderType: "user",
      senderLabel: "tester",
      content: "hello",
      status,
      createdAt,
    },
  });
}

const stateOf = (id: string) => getQueue("messages").getJobState(id);

describe("the recovery sweep", () => {
  it("enqueues open requests whose job is gone, once, and leaves fresh, finished and queued ones alone", async () => {
    const lost = await request("queued", ago(60_000));
    const lostRunning = await request("running", ago(50_000));
    const fresh = await request("queued", ago(100));
    const done = await request("answered", ago(60_000));
    const waiting = await request("queued", ago(40_000));
    await enqueue(jobs.messageDeliver, { messageId: waiting.id }, waiting.id);

    const first = await sweepLostDeliveries();
    expect(first).toMatchObject({ checked: 3, requeued: 2, givenUp: 0, next: null });
    expect(await stateOf(lost.id)).toBe("waiting");
    expect(await stateOf(lostRunning.id)).toBe("waiting");
    expect(await stateOf(fresh.id)).toBe("unknown");
    expect(await stateOf(done.id)).toBe("unknown");

    // Their jobs exist now: a second sweep (another worker's, say) adds nothing.
    expect(await sweepLostDeliveries()).toMatchObject({ checked: 3, requeued: 0 });
    expect(await getQueue("messages").getJobCounts("waiting")).toEqual({ waiting: 3 });
  });

  it("walks a backlog larger than one batch page by page", async () => {
    await getQueue("messages").obliterate({ force: true });
    const open = await getDb().message.findMany({
      where: { workspaceId, status: { in: ["queued", "running"] }, createdAt: { lt: ago(5_000) } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    expect(open).toHaveLength(3);
    const pages = [];
    let after = null;
    do {
      const page: Awaited<ReturnType<typeof sweepLostDeliveries>> = await sweepLostDeliveries({ batch: 2, after });
      pages.push(page.requeued);
      after = page.next;
    } while (after);
    expect(pages).toEqual([2, 1]);
    for (const row of open) expect(await stateOf(row.id)).toBe("waiting");
  });

  it("gives up a request whose job ran out of attempts, unless only Redis failed it", async () => {
    const queue = getQueue("messages");
    await queue.obliterate({ force: true });
    await getDb().message.updateMany({ where: { workspaceId }, data: { status: "answered" } });
    const broken = await request("queued", ago(30_000));
    const cutOff = await request("running", ago(30_000));
    const reasons: Record<string, string> = { [broken.id]: "the tool host crashed", [cutOff.id]: "Connection is closed." };
    for (const id of [broken.id, cutOff.id]) await queue.add(jobs.messageDeliver.name, { messageId: id }, { jobId: id, attempts: 1 });
    // A bare BullMQ worker that fails each job with its reason (no give-up recorded).
    const connection = createRedis("worker");
    const failing = new Worker("messages", async (job) => Promise.reject(new Error(reasons[job.id!])), {
      connection,
      prefix: environment.env.CAXTON_REDIS_PREFIX,
    });
    failing.on("error", () => {});
    try {
      await eventually(async () => (await stateOf(broken.id)) === "failed" && (await stateOf(cutOff.id)) === "failed", 10_000, 50);
    } finally {
      await failing.close();
      await quietQuit(connection);
    }

    expect(await sweepLostDeliveries()).toMatchObject({ checked: 2, requeued: 1, givenUp: 1 });
    const given = await getDb().message.findUniqueOrThrow({ where: { id: broken.id }, include: { replies: true } });
    expect(given).toMatchObject({ status: "failed", error: "the tool host crashed" });
    expect(given.replies).toEqual([expect.objectContaining({ performative: "FAILURE", senderLabel: "router" })]);
    // Failed only because Redis went away: delivered again, not failed.
    expect(await stateOf(cutOff.id)).toBe("waiting");
    expect((await getDb().message.findUniqueOrThrow({ where: { id: cutOff.id } })).status).toBe("running");
  });
});

describe("a job's last attempt failing", () => {
  it("records the give-up for a real failure, not when Redis was unreachable", async () => {
    const gaveUp: string[] = [];
    const flaky: JobDefinition<{ kind: string }> = {
      name: "test.flaky",
      queue: "system",
      schema: z.object({ kind: z.string() }),
      options: { attempts: 1 },
      handle: async ({ kind }) => {
        throw kind === "redis"
          ? Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6379"), { code: "ECONNREFUSED" })
          : new Error("the work itself failed");
      },
      onGiveUp: async ({ kind }) => {
        gaveUp.push(kind);
      },
    };
    const connection = createRedis("worker");
    const pool = startWorkerPool({
      connection,
      prefix: environment.env.CAXTON_REDIS_PREFIX,
      concurrency: 2,
      workerId: "recovery-test",
      logger: createLogger("test", { level: "silent" }),
      findDefinition: (name) => (name === flaky.name ? (flaky as JobDefinition<unknown>) : undefined),
    });
    try {
      await pool.ready();
      const system = getQueue("system");
      await system.add(flaky.name, { kind: "redis" }, { jobId: "flaky-redis", attempts: 1 });
      await system.add(flaky.name, { kind: "work" }, { jobId: "flaky-work", attempts: 1 });
      await eventually(
        async () => (await system.getJobState("flaky-redis")) === "failed" && (await system.getJobState("flaky-work")) === "failed",
        10_000,
        50,
      );
      expect(gaveUp).toEqual(["work"]);
    } finally {
      await pool.close(5_000);
      await quietQuit(connection);
    }
  });
});
