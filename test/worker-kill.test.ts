import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushAgent } from "../server/agents/agents";
import { getDb } from "../server/db/client";
import { sendMessage } from "../server/messaging/messages";
import { fromRoot } from "../server/platform/paths";
import { uploadTool } from "../server/tools/tools";
import { eventually, useTestEnvironment } from "./support/env";
import { createWorkspaceWithRoles } from "./support/identity";
import { sampleJsTool } from "./support/tools";

// Durability: a worker SIGKILLed in the middle of a turn loses nothing; another worker takes
// the job over (its lock runs out: CAXTON_JOB_LOCK_MS) and exactly one reply is stored.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
const workers: ChildProcess[] = [];

function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [fromRoot("dist/worker.mjs")], { env: { ...process.env, ...environment.env, LOG_LEVEL: "warn" }, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  workers.push(child);
  return new Promise((resolve, reject) => {
    child.once("message", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`the worker exited with ${code} before it was ready`)));
  });
}

beforeAll(async () => {
  environment = await useTestEnvironment("worker_kill", { CAXTON_JOB_LOCK_MS: "2000", CAXTON_HEARTBEAT_MS: "500" });
});
afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill("SIGKILL");
  await environment?.cleanup();
});

describe("a worker killed mid-turn", () => {
  it("is replaced by another worker that finishes the turn, with exactly one reply", async () => {
    const ws = await createWorkspaceWithRoles("worker_kill");
    const owner = await ws.actor("owner");
    // A tool that works for 1.5 s: long enough to kill its worker in the middle.
    await uploadTool(owner, sampleJsTool("slow-upper", { body: "const end = Date.now() + 1500; while (Date.now() < end) {}\n  return { upper: input.text.toUpperCase() };", timeoutMs: 5000 }));
    await pushAgent(owner, 'name = "slow-agent"\nversion = "1.0.0"\ndescription = "Slowly upper-cases."\ncapabilities = ["shout"]\n\n[handler]\ntool = "slow-upper"\n');

    const first = await startWorker();
    const { message } = await sendMessage(owner, { capability: "shout", content: "hi" });
    await eventually(async () => (await getDb().message.findUniqueOrThrow({ where: { id: message.id } })).status === "running", 15_000, 20);
    await new Promise((r) => setTimeout(r, 300));
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    expect(await getDb().message.count({ where: { inReplyToId: message.id } })).toBe(0);

    await startWorker();
    const done = await eventually(async () => {
      const row = await getDb().message.findUniqueOrThrow({ where: { id: message.id } });
      return row.status === "answered" ? row : null;
    }, 30_000, 100);
    expect(done.status).toBe("answered");
    const replies = await getDb().message.findMany({ where: { inReplyToId: message.id } });
    expect(replies).toEqual([expect.objectContaining({ performative: "INFORM", senderLabel: "slow-agent", content: { upper: "HI" } })]);
  });
});
