import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../server/db/client";
import { getQueue } from "../server/queue/queues";
import { connected, getRedis, redisKey } from "../server/redis";
import { MAX_PROBE_DURATION_MS, PROBES_PER_MINUTE } from "../server/system/probe";
import { eventually, startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createSessionFor, createWorkspaceWithRoles, type TestSession, type WorkspaceFixture } from "./support/identity";

/**
 * The queue probe writes a row and occupies a worker, so it is for signed-in members of a
 * workspace only, a few per minute each; anyone else is refused before anything is written.
 */

let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let ws: WorkspaceFixture;
let member: TestSession;
let outsider: TestSession;

beforeAll(async () => {
  environment = await useTestEnvironment("system_probe");
  caxton = await startCaxton(environment.env);
  ws = await createWorkspaceWithRoles("probe");
  member = await createSessionFor(ws.users.viewer.id);
  outsider = await createSessionFor((await createWorkspaceWithRoles("probe_outsider")).users.owner.id);
}, 60_000);

afterAll(async () => {
  await caxton?.stop();
  await environment?.cleanup();
});

async function startProbe(input: unknown, cookie?: string) {
  const response = await fetch(`${caxton.url}/api/trpc/system.startProbe`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as {
    result?: { data: { id: string } };
    error?: { message: string; data: { code: string; appCode?: string; hint?: string } };
  };
  return { status: response.status, body };
}

/** Probe rows and probe jobs in the queue, in any state. */
async function written() {
  const counts = await getQueue("system").getJobCounts("waiting", "active", "completed", "failed", "delayed", "prioritized");
  return { rows: await getDb().probeRun.count(), jobs: Object.values(counts).reduce((a, b) => a + b, 0) };
}

describe("system.startProbe", () => {
  it("refuses an anonymous caller with UNAUTHORIZED and writes no row, enqueues no job", async () => {
    const before = await written();
    for (const input of [{ durationMs: 10_000 }, { workspace: ws.workspace.slug, durationMs: 0 }, {}]) {
      const got = await startProbe(input);
      expect(got.status).toBe(401);
      expect(got.body.error?.data.code).toBe("UNAUTHORIZED");
    }
    const read = await fetch(
      `${caxton.url}/api/trpc/system.probe?input=${encodeURIComponent(JSON.stringify({ id: "00000000-0000-4000-8000-000000000000" }))}`,
    );
    expect(read.status).toBe(401);
    expect(await written()).toEqual(before);
  });

  it("answers a signed-in user of another workspace NOT_FOUND and writes nothing", async () => {
    const before = await written();
    const got = await startProbe({ workspace: ws.workspace.slug, durationMs: 0 }, outsider.cookie);
    expect(got.status).toBe(404);
    expect(await written()).toEqual(before);
  });

  it("runs for a member (any role), with its duration bounded", async () => {
    const tooLong = await startProbe({ workspace: ws.workspace.slug, durationMs: MAX_PROBE_DURATION_MS + 1 }, member.cookie);
    expect(tooLong.status).toBe(400);
    const got = await startProbe({ workspace: ws.workspace.slug, durationMs: 0 }, member.cookie);
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    const id = got.body.result!.data.id;
    await eventually(async () => (await getDb().probeRun.findUnique({ where: { id } }))?.status === "completed");
  });

  it("refuses a member over the per-user limit with TOO_MANY_REQUESTS and writes nothing", async () => {
    // Fill this minute's and the next one's window, so the answer does not depend on the clock.
    const minute = Math.floor(Date.now() / 60_000);
    const redis = await connected(getRedis());
    for (const m of [minute, minute + 1])
      await redis.set(redisKey("rate", `probe:user:${ws.users.viewer.id}`, String(m)), String(PROBES_PER_MINUTE), "EX", 180);
    const before = await written();
    const got = await startProbe({ workspace: ws.workspace.slug, durationMs: 0 }, member.cookie);
    expect(got.status).toBe(429);
    expect(got.body.error?.data).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      appCode: "rate_limited",
      hint: expect.stringMatching(/Wait \d+ s/),
    });
    expect(await written()).toEqual(before);
    // The limit is the user's: another member of the workspace still runs one.
    const other = await startProbe({ workspace: ws.workspace.slug, durationMs: 0 }, (await createSessionFor(ws.users.member.id)).cookie);
    expect(other.status).toBe(200);
  });
});
