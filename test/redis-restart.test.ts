import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushAgent } from "../server/agents/agents";
import { getDb } from "../server/db/client";
import { freePort, waitForPort } from "../server/platform/ports";
import { uploadTool } from "../server/tools/tools";
import { eventually, startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createWorkspaceWithRoles } from "./support/identity";
import { sampleJsTool } from "./support/tools";

// Restart Redis while messages flow, and nothing is lost once it is back. Redis
// keeps nothing on disk here, so every job it held is gone; Postgres has the requests, and
// the worker's recovery sweep enqueues those still open again.
const REDIS_SERVER = "/usr/bin/redis-server";

let redisPort: number;
let redis: ChildProcess | undefined;
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton | undefined;

/** A private Redis on its own port, so killing it disturbs no other suite. */
async function startRedis(): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  await waitForPort(redisPort, "127.0.0.1", 10_000);
  return child;
}

async function killRedis(): Promise<void> {
  const child = redis!;
  redis = undefined;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  redisPort = await freePort();
  redis = await startRedis();
  environment = await useTestEnvironment("redis_restart", {
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    CAXTON_RECOVERY_INTERVAL_MS: "500",
    CAXTON_HEARTBEAT_MS: "500",
    // One job at a time and a slow tool: a backlog of queued jobs is in Redis when it dies.
    CAXTON_WORKER_CONCURRENCY: "1",
    CAXTON_SHUTDOWN_TIMEOUT_MS: "2000",
  });
});

afterAll(async () => {
  await caxton?.stop();
  await environment?.cleanup();
  if (redis) await killRedis();
});

interface Sent {
  text: string;
  status: number;
  id?: string;
  body?: unknown;
}

describe("Redis restarted while messages flow", () => {
  it("loses nothing: every accepted message is answered once, refused ones left no row, both processes survive", async () => {
    const ws = await createWorkspaceWithRoles("redis_restart");
    const owner = await ws.actor("owner");
    await uploadTool(
      owner,
      sampleJsTool("slow-upper", {
        body: "const end = Date.now() + 150; while (Date.now() < end) {}\n  return { upper: input.text.toUpperCase() };",
        timeoutMs: 5000,
      }),
    );
    await pushAgent(
      owner,
      'name = "shouter"\nversion = "1.0.0"\ndescription = "Slowly upper-cases."\ncapabilities = ["shout"]\n\n[handler]\ntool = "slow-upper"\n',
    );
    const token = await ws.token("owner");
    caxton = await startCaxton(environment.env);
    const running = caxton;

    const sent: Sent[] = [];
    let sending = true;
    const send = async (text: string): Promise<Sent> => {
      try {
        const response = await fetch(`${running.url}/api/v1/messages`, {
          method: "POST",
          headers: { authorization: token.authorization, "content-type": "application/json" },
          body: JSON.stringify({ capability: "shout", content: { text } }),
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await response.json()) as { message?: { id: string } };
        return { text, status: response.status, id: body.message?.id, body };
      } catch (error) {
        return { text, status: 0, body: String(error) };
      }
    };
    // A steady flow: one send after another, a short pause between them.
    const flow = (async () => {
      for (let i = 0; sending; i++) {
        sent.push(await send(`m${i}`));
        await sleep(50);
      }
    })();

    await eventually(async () => sent.filter((s) => s.status === 200).length >= 10, 20_000, 50);
    // The point of the test: requests still waiting for their job when Redis dies.
    const openAtKill = await getDb().message.count({
      where: { workspaceId: ws.workspace.id, performative: "REQUEST", status: { in: ["queued", "running"] } },
    });
    await killRedis();
    const killedAt = sent.length;
    await eventually(async () => sent.length >= killedAt + 3, 20_000, 50);
    redis = await startRedis();
    const restartedAt = sent.length;
    await eventually(async () => sent.slice(restartedAt).filter((s) => s.status === 200).length >= 5, 20_000, 50);
    sending = false;
    await flow;

    expect(openAtKill).toBeGreaterThan(0);
    // Every send got a clear answer: accepted (200) or refused with 503 and a hint.
    const unexpected = sent.filter((s) => s.status !== 200 && s.status !== 503);
    expect(unexpected).toEqual([]);
    const refused = sent.filter((s) => s.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused)
      expect(r.body).toMatchObject({
        error: { code: "unavailable", message: expect.stringContaining("Redis"), hint: expect.stringMatching(/retry/i) },
      });
    const accepted = sent.filter((s) => s.status === 200);

    // Every accepted message ends answered, with exactly one reply (the recovery sweep
    // enqueued again what the restart lost; delivery answers once).
    const ids = accepted.map((s) => s.id!);
    await eventually(
      async () => (await getDb().message.count({ where: { id: { in: ids }, status: "answered" } })) === ids.length,
      40_000,
      200,
    );
    const replies = await getDb().message.findMany({
      where: { inReplyToId: { in: ids } },
      select: { inReplyToId: true, performative: true, content: true },
    });
    expect(replies).toHaveLength(ids.length);
    const byRequest = new Map(replies.map((r) => [r.inReplyToId, r]));
    for (const s of accepted) {
      expect(byRequest.get(s.id!)).toMatchObject({ performative: "INFORM", content: { upper: s.text.toUpperCase() } });
    }

    // Refused sends left nothing behind: the workspace's requests are exactly the accepted ones.
    const requests = await getDb().message.findMany({
      where: { workspaceId: ws.workspace.id, performative: "REQUEST" },
      select: { id: true },
    });
    expect(requests.map((r) => r.id).sort()).toEqual([...ids].sort());

    // Web and worker are still the ones started (the supervisor stops all if either exits),
    // and health sees Redis and a worker heartbeat again.
    expect(running.process.exitCode).toBeNull();
    const health = await eventually(
      async () => {
        const response = await fetch(`${running.url}/api/health`);
        return response.status === 200 ? ((await response.json()) as unknown) : null;
      },
      15_000,
      200,
    );
    expect(health).toMatchObject({ status: "ok", checks: { redis: { status: "ok" }, worker: { status: "ok" } } });
    expect(running.output()).not.toMatch(/exited unexpectedly|unhandled/i);
  }, 90_000);
});
