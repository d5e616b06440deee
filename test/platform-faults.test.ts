import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { eventually, startCaxton, testDatabase, uniqueName } from "./support/env";
import { startProbeAsMember } from "./support/probe";

/** Faults that heal by themselves, and health that tells the truth about them. */
let database: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  database = await testDatabase("faults");
});
afterAll(async () => {
  await database.drop();
});

const baseEnv = () => ({
  DATABASE_URL: database.url,
  REDIS_URL: inject("redisUrl"),
  CAXTON_REDIS_PREFIX: `test:${uniqueName("faults")}`,
  LOG_LEVEL: "info",
});

async function health(url: string) {
  const response = await fetch(`${url}/api/health`);
  return { status: response.status, body: await response.json() };
}

const pidsOf = (output: string, name: string) =>
  [...output.matchAll(new RegExp(`"pid":(\\d+),"name":"${name}"`, "g"))].map((m) => Number(m[1]));

describe("health tells the truth about workers", () => {
  it("fails (503) while every slot of a queue holds the same job, and recovers once it finishes", async () => {
    const caxton = await startCaxton({ ...baseEnv(), CAXTON_WORKER_CONCURRENCY: "1", CAXTON_WORKER_STUCK_MS: "1000" });
    try {
      await eventually(async () => (await health(caxton.url)).status === 200);
      // The one slot of the system queue works for 5 s: the worker beats, but nothing gets done.
      await startProbeAsMember(caxton.url, database.url, 5_000);
      const stuck = await eventually(
        async () => {
          const h = await health(caxton.url);
          return h.status === 503 ? h : null;
        },
        12_000,
        100,
      );
      expect(stuck.body.status).toBe("fail");
      expect(stuck.body.checks.worker).toMatchObject({ status: "fail", workers: 1, jobs: { running: 1 } });
      expect(stuck.body.checks.worker.message).toContain("system queue: all 1 slots busy with the same jobs");
      expect(stuck.body.checks.worker.jobs.oldestRunningMs).toBeGreaterThan(1_000);
      const recovered = await eventually(
        async () => {
          const h = await health(caxton.url);
          return h.status === 200 && h.body.checks.worker.jobs.running === 0 ? h : null;
        },
        20_000,
        200,
      );
      expect(recovered.body.checks.worker.jobs.finished).toBeGreaterThanOrEqual(recovered.body.checks.worker.jobs.started);
      expect(recovered.body.status).toBe("ok");
    } finally {
      await caxton.stop();
    }
  }, 60_000);

  it("says degraded with the reason while the supervisor restarts a killed worker, then ok", async () => {
    const caxton = await startCaxton(baseEnv());
    try {
      await eventually(async () => (await health(caxton.url)).status === 200);
      const [worker] = pidsOf(caxton.output(), "worker");
      process.kill(worker!, "SIGKILL");
      const degraded = await eventually(
        async () => {
          const h = await health(caxton.url);
          return h.body.status === "degraded" ? h : null;
        },
        10_000,
        25,
      );
      // Degraded is still 200: this node keeps accepting work while its worker comes back.
      expect(degraded.status).toBe(200);
      expect(degraded.body.checks.worker.status).toBe("degraded");
      expect(degraded.body.checks.worker.message).toMatch(/the worker was killed by SIGKILL at .+ and is being restarted/);
      const back = await eventually(
        async () => {
          const h = await health(caxton.url);
          return h.body.status === "ok" ? h : null;
        },
        15_000,
        100,
      );
      expect(back.body.checks.worker.restarts).toBe(1);
      expect(caxton.output()).toContain('"event":"process restarted","process":"worker"');
    } finally {
      expect(await caxton.stop()).toBe(0);
    }
  }, 60_000);
});

describe("a dead web process", () => {
  it("is restarted too, and answers again on the same port", async () => {
    const caxton = await startCaxton(baseEnv());
    try {
      const [web] = pidsOf(caxton.output(), "web");
      process.kill(web!, "SIGKILL");
      await eventually(async () => caxton.output().includes('"event":"process restarted","process":"web"'), 20_000);
      expect((await health(caxton.url)).status).toBe(200);
      expect(caxton.output()).toContain('"event":"process exited","process":"web","code":null,"signal":"SIGKILL"');
    } finally {
      expect(await caxton.stop()).toBe(0);
    }
  }, 60_000);
});

describe("a closed terminal (SIGHUP)", () => {
  it("stops everything in order, as Ctrl-C does", async () => {
    const caxton = await startCaxton(baseEnv());
    const children = [...pidsOf(caxton.output(), "web"), ...pidsOf(caxton.output(), "worker")];
    expect(await caxton.stop("SIGHUP")).toBe(0);
    expect(caxton.output()).toContain('"event":"shutting down","reason":"SIGHUP"');
    expect(caxton.output()).toContain('"outcome":"drained"');
    await eventually(async () =>
      children.every((pid) => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      }),
    );
  }, 60_000);
});
