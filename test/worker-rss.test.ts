import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushAgent } from "../server/agents/agents";
import { getDb } from "../server/db/client";
import { sendMessage } from "../server/messaging/messages";
import { fromRoot } from "../server/platform/paths";
import { uploadTool } from "../server/tools/tools";
import type { Actor } from "../server/auth/actor";
import { eventually, useTestEnvironment } from "./support/env";
import { createWorkspaceWithRoles } from "./support/identity";
import { sampleJsTool } from "./support/tools";

// A worker past CAXTON_WORKER_MAX_RSS_MB takes no new jobs, finishes the ones it holds (up
// to the shutdown timeout) and exits 75 so its supervisor starts another. The limit here
// (64 MB) is below any worker's memory, so the first sample after its first job is over it.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let owner: Actor;
const workers: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  logs: () => string;
  exited: Promise<number | null>;
}

function startWorker(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [fromRoot("dist/worker.mjs")], {
    env: { ...process.env, ...environment.env, LOG_LEVEL: "info", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  workers.push(child);
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code, signal) => {
      if (signal) out += `\n(killed by ${signal})`;
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    child.once("message", () => resolve({ child, logs: () => out, exited }));
    child.once("exit", (code) => reject(new Error(`the worker exited with ${code} before it was ready:\n${out}`)));
  });
}

/** Sends `n` messages to the slow agent; each turn runs a tool that works for 3 s. */
async function sendSlow(n: number) {
  const sent = [];
  for (let i = 0; i < n; i++) sent.push((await sendMessage(owner, { capability: "slow-shout", content: `hi ${i}` })).message);
  return sent;
}

async function repliesTo(ids: string[]) {
  return Promise.all(ids.map((id) => getDb().message.findMany({ where: { inReplyToId: id } })));
}

beforeAll(async () => {
  environment = await useTestEnvironment("worker_rss", { CAXTON_JOB_LOCK_MS: "2000", CAXTON_HEARTBEAT_MS: "500" });
  const ws = await createWorkspaceWithRoles("worker_rss");
  owner = await ws.actor("owner");
  await uploadTool(
    owner,
    sampleJsTool("slow-upper", {
      body: "const end = Date.now() + 3000; while (Date.now() < end) {}\n  return { upper: input.text.toUpperCase() };",
      timeoutMs: 10_000,
    }),
  );
  await pushAgent(
    owner,
    'name = "slow-agent"\nversion = "1.0.0"\ndescription = "Slowly upper-cases."\ncapabilities = ["slow-shout"]\n\n[handler]\ntool = "slow-upper"\n',
  );
});
afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill("SIGKILL");
  await environment?.cleanup();
});

describe("a worker over its memory limit", () => {
  it("finishes the jobs it holds, then exits 75 saying why", { timeout: 60_000 }, async () => {
    const sent = await sendSlow(2);
    const worker = await startWorker({ CAXTON_WORKER_MAX_RSS_MB: "64", CAXTON_SHUTDOWN_TIMEOUT_MS: "20000" });
    expect(await worker.exited).toBe(75);
    // Every job it had taken was finished before it left: one INFORM each, no other worker ran.
    const replies = await repliesTo(sent.map((m) => m.id));
    expect(replies.map((r) => r.map((m) => [m.performative, m.content]))).toEqual(sent.map((_, i) => [["INFORM", { upper: `HI ${i}` }]]));
    const line = worker
      .logs()
      .split("\n")
      .find((l) => l.includes('"event":"rss limit"'));
    expect(line, worker.logs()).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ limitMb: 64, exitCode: 75 });
    expect(JSON.parse(line!).msg).toMatch(/over worker\.max_rss_mb \(64 MB\): taking no new jobs, finishing the \d+ running/);
  });

  it("leaves the jobs it could not finish by the shutdown timeout to the next worker, each done once", { timeout: 90_000 }, async () => {
    const sent = await sendSlow(3);
    const first = await startWorker({ CAXTON_WORKER_MAX_RSS_MB: "64", CAXTON_SHUTDOWN_TIMEOUT_MS: "200" });
    await eventually(
      async () => (await getDb().message.count({ where: { id: { in: sent.map((m) => m.id) }, status: "running" } })) > 0,
      15_000,
      20,
    );
    expect(await first.exited, first.logs()).toBe(75);
    const unfinished = (await repliesTo(sent.map((m) => m.id))).filter((r) => r.length === 0).length;
    expect(unfinished, first.logs()).toBeGreaterThan(0);

    // None of them ended as a spurious failure on the way out: they are queued or running still.
    expect(await getDb().message.count({ where: { id: { in: sent.map((m) => m.id) }, status: "failed" } }), first.logs()).toBe(0);

    await startWorker({});
    await eventually(
      async () =>
        (await getDb().message.count({ where: { id: { in: sent.map((m) => m.id) }, status: { in: ["answered", "failed"] } } })) ===
        sent.length,
      60_000,
      200,
    );
    const replies = await repliesTo(sent.map((m) => m.id));
    expect(replies.map((r) => r.map((m) => [m.performative, m.content]))).toEqual(sent.map((_, i) => [["INFORM", { upper: `HI ${i}` }]]));
  });
});
