import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../server/db/client";
import { deliverMessage } from "../server/messaging/deliver";
import { sendMessage } from "../server/messaging/messages";
import { sweepLostToolRuns } from "../server/messaging/recovery";
import { jobs } from "../server/queue/jobs";
import { enqueue } from "../server/queue/queues";
import { executeInvocation } from "../server/tools/execute";
import { closeSandbox } from "../server/tools/sandbox-instance";
import { uploadTool } from "../server/tools/tools";
import { eventually, useTestEnvironment } from "./support/env";
import { createWorkspaceWithRoles, type WorkspaceFixture } from "./support/identity";
import { sampleJsTool } from "./support/tools";
import { workerProcesses } from "./support/worker-processes";

// A job that killed or wedged its worker must not be handed to the next worker without limit:
// attempts are counted in the row (BullMQ's count is lost when the recovery sweep enqueues
// again), and a job BullMQ fails for stalling too often is still recorded as failed.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let ws: WorkspaceFixture;
const workers = workerProcesses(() => environment.env);

beforeAll(async () => {
  environment = await useTestEnvironment("worker_lost", { CAXTON_JOB_LOCK_MS: "2000", CAXTON_HEARTBEAT_MS: "500" });
  ws = await createWorkspaceWithRoles("worker_lost");
  await uploadTool(await ws.actor("owner"), sampleJsTool("upper"));
});
afterAll(async () => {
  workers.killAll();
  await closeSandbox();
  await environment?.cleanup();
});

async function queuedInvocation() {
  const tool = await getDb().tool.findFirstOrThrow({ where: { workspaceId: ws.workspace.id, name: "upper" } });
  return getDb().toolInvocation.create({
    data: {
      workspaceId: ws.workspace.id,
      toolId: tool.id,
      toolVersionId: tool.activeVersionId!,
      callerType: "user",
      callerLabel: "test",
      input: { text: "hi" },
    },
  });
}

describe("tool runs whose workers die", () => {
  it("a run begun twice without finishing is not run a third time, and counts against the version", async () => {
    const survivor = await queuedInvocation();
    await getDb().toolInvocation.update({ where: { id: survivor.id }, data: { attempts: 1 } }); // one worker died under it
    await executeInvocation(survivor.id);
    expect(await getDb().toolInvocation.findUniqueOrThrow({ where: { id: survivor.id } })).toMatchObject({
      status: "ok",
      attempts: 2,
      output: { upper: "HI" },
    });

    const poison = await queuedInvocation();
    await getDb().toolInvocation.update({ where: { id: poison.id }, data: { attempts: 2 } }); // two died under it
    await executeInvocation(poison.id);
    const failed = await getDb().toolInvocation.findUniqueOrThrow({ where: { id: poison.id } });
    expect(failed).toMatchObject({
      status: "failed",
      attempts: 3,
      output: null,
      diagnostic: { kind: "worker_lost", limit: 2, observed: 2 },
    });
    expect((failed.diagnostic as { message: string }).message).toMatch(
      /stopped before the run finished \(killed or wedged\), 2 times; after 2 it is not tried again/,
    );
    const version = await getDb().toolVersion.findUniqueOrThrow({ where: { id: poison.toolVersionId } });
    expect(version.breaches).toBe(2); // one for each run found unfinished when the next one began
  });

  it("a run that killed two workers ends as failed worker_lost, and the third worker stays up", async () => {
    const owner = await ws.actor("owner");
    // Works for 6 s: long enough to kill its worker in the middle, every time.
    await uploadTool(
      owner,
      sampleJsTool("slow", {
        body: "const end = Date.now() + 6000; while (Date.now() < end) {}\n  return { upper: input.text.toUpperCase() };",
        timeoutMs: 10_000,
      }),
    );
    const tool = await getDb().tool.findFirstOrThrow({ where: { workspaceId: ws.workspace.id, name: "slow" } });
    const invocation = await getDb().toolInvocation.create({
      data: {
        workspaceId: ws.workspace.id,
        toolId: tool.id,
        toolVersionId: tool.activeVersionId!,
        callerType: "user",
        callerLabel: "test",
        input: { text: "hi" },
      },
    });
    await enqueue(jobs.toolRun, { invocationId: invocation.id }, invocation.id);
    for (const attempt of [1, 2]) {
      const worker = await workers.start();
      await eventually(
        async () => (await getDb().toolInvocation.findUniqueOrThrow({ where: { id: invocation.id } })).attempts === attempt,
        20_000,
        50,
      );
      worker.kill("SIGKILL");
      await new Promise((r) => worker.once("exit", r));
    }
    const third = await workers.start();
    const done = await eventually(
      async () => {
        const row = await getDb().toolInvocation.findUniqueOrThrow({ where: { id: invocation.id } });
        return row.status === "failed" ? row : null;
      },
      30_000,
      100,
    );
    expect(done.diagnostic).toMatchObject({
      kind: "worker_lost",
      message: expect.stringMatching(
        /^The tool run is not tried again: its workers stopped \(killed or wedged\) while running it, too often \(job stalled more than allowable limit\)/,
      ),
    });
    // BullMQ failed it as stalled too often: the third worker never ran the tool.
    expect(done.attempts).toBe(2);
    expect((await getDb().toolVersion.findUniqueOrThrow({ where: { id: tool.activeVersionId! } })).breaches).toBe(2);
    expect(third.exitCode).toBeNull();
    third.kill("SIGKILL");
    await new Promise((r) => third.once("exit", r));
  }, 90_000);

  it("the recovery sweep ends a run whose job Redis lost", async () => {
    const lost = await queuedInvocation(); // never enqueued: as after a Redis restart
    expect(await sweepLostToolRuns({ graceMs: 0 })).toBeGreaterThanOrEqual(1);
    expect(await getDb().toolInvocation.findUniqueOrThrow({ where: { id: lost.id } })).toMatchObject({
      status: "failed",
      diagnostic: { kind: "trap", message: expect.stringMatching(/job was lost/) },
    });
  });
});

describe("deliveries whose workers die", () => {
  it("a request whose delivery began three times without finishing ends as FAILURE on the fourth", async () => {
    const owner = await ws.actor("owner");
    const { message } = await sendMessage(owner, { capability: "anything", content: "hi" });
    await getDb().message.update({ where: { id: message.id }, data: { deliveryAttempts: 3, status: "running" } });
    await deliverMessage(message.id);
    const row = await getDb().message.findUniqueOrThrow({ where: { id: message.id } });
    expect(row).toMatchObject({ status: "failed", deliveryAttempts: 4 });
    expect(row.error).toMatch(
      /begun 3 times and each time the worker stopped before it finished \(killed or wedged\); it is not tried again/,
    );
    const replies = await getDb().message.findMany({ where: { inReplyToId: message.id } });
    expect(replies).toEqual([expect.objectContaining({ performative: "FAILURE", senderLabel: "router" })]);
  });
});
