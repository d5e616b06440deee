import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushAgent } from "../server/agents/agents";
import { getDb } from "../server/db/client";
import { sendMessage } from "../server/messaging/messages";
import { uploadTool } from "../server/tools/tools";
import { eventually, startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createWorkspaceWithRoles } from "./support/identity";
import { sampleJsTool } from "./support/tools";
import { workerProcesses } from "./support/worker-processes";

// Durability: a worker SIGKILLed in the middle of a turn loses nothing; another worker takes
// the job over (its lock runs out: CAXTON_JOB_LOCK_MS) and exactly one reply is stored.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
const workers = workerProcesses(() => environment.env);

beforeAll(async () => {
  environment = await useTestEnvironment("worker_kill", {
    CAXTON_JOB_LOCK_MS: "2000",
    CAXTON_HEARTBEAT_MS: "500",
    // The stream below sends more than the default per-minute quotas allow.
    CAXTON_QUOTA_MESSAGES_PM: "100000",
    CAXTON_QUOTA_API_RPM: "100000",
  });
});
afterAll(async () => {
  workers.killAll();
  await environment?.cleanup();
});

describe("a worker killed mid-turn", () => {
  it("is replaced by another worker that finishes the turn, with exactly one reply", async () => {
    const ws = await createWorkspaceWithRoles("worker_kill");
    const owner = await ws.actor("owner");
    // A tool that works for 1.5 s: long enough to kill its worker in the middle.
    await uploadTool(
      owner,
      sampleJsTool("slow-upper", {
        body: "const end = Date.now() + 1500; while (Date.now() < end) {}\n  return { upper: input.text.toUpperCase() };",
        timeoutMs: 5000,
      }),
    );
    await pushAgent(
      owner,
      'name = "slow-agent"\nversion = "1.0.0"\ndescription = "Slowly upper-cases."\ncapabilities = ["shout"]\n\n[handler]\ntool = "slow-upper"\n',
    );

    const first = await workers.start();
    const { message } = await sendMessage(owner, { capability: "shout", content: "hi" });
    await eventually(async () => (await getDb().message.findUniqueOrThrow({ where: { id: message.id } })).status === "running", 15_000, 20);
    await new Promise((r) => setTimeout(r, 300));
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    expect(await getDb().message.count({ where: { inReplyToId: message.id } })).toBe(0);

    await workers.start();
    const done = await eventually(
      async () => {
        const row = await getDb().message.findUniqueOrThrow({ where: { id: message.id } });
        return row.status === "answered" ? row : null;
      },
      30_000,
      100,
    );
    expect(done.status).toBe("answered");
    const replies = await getDb().message.findMany({ where: { inReplyToId: message.id } });
    expect(replies).toEqual([expect.objectContaining({ performative: "INFORM", senderLabel: "slow-agent", content: { upper: "HI" } })]);
  });
});

/** The newest log line of process `name` with `event` in a `caxton serve` output. */
function lastLog(output: string, name: string, event: string): { pid: number; time: number } | undefined {
  let found: { pid: number; time: number } | undefined;
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    const entry = JSON.parse(line) as { name?: string; event?: string; pid: number; time: number };
    if (entry.name === name && entry.event === event) found = entry;
  }
  return found;
}
const pidOf = (output: string, name: string, event: string) => lastLog(output, name, event)?.pid;
const logTime = (output: string, name: string, event: string) => lastLog(output, name, event)?.time ?? 0;

describe("the worker of `caxton serve` SIGKILLed during a stream of messages", () => {
  let caxton: RunningCaxton | undefined;
  afterAll(async () => {
    await caxton?.stop();
  });

  it("is restarted by the supervisor; every accepted message gets exactly one reply and no send is refused", async () => {
    caxton = await startCaxton({ ...environment.env, LOG_LEVEL: "info" });
    const ws = await createWorkspaceWithRoles("worker_stream");
    const { authorization } = await ws.token("owner");
    const headers = { authorization, "content-type": "application/json" };
    const agent =
      'name = "counter"\nversion = "1.0.0"\ndescription = "Counts words."\ncapabilities = ["count-words"]\n\n[handler]\ntool = "word-count"\n';
    const pushed = await fetch(`${caxton.url}/api/v1/agents`, {
      method: "POST",
      headers: { authorization, "content-type": "application/toml" },
      body: agent,
    });
    expect(pushed.status).toBe(200);

    const total = 600;
    const killAfter = 200;
    const firstWorker = pidOf(caxton.output(), "worker", "worker ready");
    expect(firstWorker).toBeGreaterThan(0);
    const ids: string[] = [];
    const refused: string[] = [];
    let killedAt = 0;
    let next = 0;
    // Eight senders at a time, as a busy client would; the kill lands in the middle.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < total) {
          const n = next++;
          if (n === killAfter) {
            killedAt = Date.now();
            process.kill(firstWorker!, "SIGKILL");
          }
          const response = await fetch(`${caxton!.url}/api/v1/messages`, {
            method: "POST",
            headers,
            body: JSON.stringify({ capability: "count-words", content: `message ${n}` }),
          });
          const body = (await response.json()) as { message?: { id: string } };
          if (response.status >= 300 || !body.message) refused.push(`${n}: ${response.status} ${JSON.stringify(body)}`);
          else ids.push(body.message.id);
        }
      }),
    );
    expect(refused).toEqual([]);
    expect(ids).toHaveLength(total);

    // Messages the killed worker held come back once their lock runs out (CAXTON_JOB_LOCK_MS).
    const db = getDb();
    const answered = () => db.message.count({ where: { id: { in: ids }, status: "answered" } });
    await eventually(async () => (await answered()) === total, 45_000, 250);
    const replies = await db.message.groupBy({ by: ["inReplyToId"], where: { inReplyToId: { in: ids } }, _count: { _all: true } });
    const lost = ids.filter((id) => !replies.some((r) => r.inReplyToId === id));
    const duplicated = replies.filter((r) => r._count._all !== 1);
    // Replies stored after the new worker logged its start are its own (the old one was gone).
    const newWorkerStarted = logTime(caxton.output(), "worker", "starting");
    const firstAfterKill = await db.message.findFirst({
      where: { inReplyToId: { in: ids }, createdAt: { gte: new Date(newWorkerStarted) } },
      orderBy: { createdAt: "asc" },
    });
    const flowingAgainMs = firstAfterKill!.createdAt.getTime() - killedAt;
    const restarted = pidOf(caxton.output(), "worker", "worker ready");
    const downMs = caxton.output().match(/"event":"process restarted","process":"worker"[^}]*"downMs":(\d+)/)?.[1];
    console.log(
      `worker SIGKILL after ${killAfter} of ${total} messages: lost ${lost.length}, duplicated ${duplicated.length}, refused ${refused.length}; first reply ${flowingAgainMs} ms after the kill (budget < 5000 ms); supervisor saw the worker back after ${downMs} ms`,
    );
    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(restarted).not.toBe(firstWorker);
    expect(caxton.output()).toContain('"event":"process exited","process":"worker","code":null,"signal":"SIGKILL"');
    // A generous bound: the budget is 5 s; this only catches a supervisor that waits far too long.
    expect(flowingAgainMs).toBeLessThan(15_000);
  }, 120_000);
});
