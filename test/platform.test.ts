import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createDb } from "../server/db/client";
import { fromRoot } from "../server/platform/paths";
import { freePort } from "../server/platform/ports";
import { startEmbeddedRedis } from "../server/platform/embedded-redis";
import { eventually, startCaxton, testDatabase, uniqueName, type RunningCaxton } from "./support/env";
import { startProbeAsMember } from "./support/probe";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** The whole platform as `npm start` runs it (dist/ build), against the test services. */
let database: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  database = await testDatabase("platform");
});
afterAll(async () => {
  await database.drop();
});

const baseEnv = () => ({
  DATABASE_URL: database.url,
  REDIS_URL: inject("redisUrl"),
  CAXTON_REDIS_PREFIX: `test:${uniqueName("platform")}`,
});

async function health(url: string) {
  const started = Date.now();
  const response = await fetch(`${url}/api/health`);
  return { status: response.status, body: await response.json(), ms: Date.now() - started };
}

describe("caxton serve", () => {
  let caxton: RunningCaxton | undefined;
  afterAll(async () => {
    await caxton?.stop();
  });

  it("starts web and worker, migrates, and reports healthy", async () => {
    caxton = await startCaxton(baseEnv());
    const ok = await eventually(async () => {
      const h = await health(caxton!.url);
      return h.status === 200 ? h : null;
    });
    expect(ok.body).toMatchObject({
      status: "ok",
      version: expect.any(String),
      checks: { database: { status: "ok" }, redis: { status: "ok" }, worker: { status: "ok", workers: 1 } },
    });
    expect(ok.ms).toBeLessThan(2_000);
    const events = caxton.output();
    for (const event of ['"event":"starting"', '"event":"migrated"', '"event":"listening"', '"event":"worker ready"']) {
      expect(events).toContain(event);
    }
    expect(events).toContain("Caxton is running at http://localhost:");
  });

  it("finishes a running job on SIGTERM, loses nothing and exits 0", async () => {
    const running = caxton!;
    const db = createDb(database.url);
    try {
      const probeId = await startProbeAsMember(running.url, database.url, 2_000);
      await eventually(async () => (await db.probeRun.findUnique({ where: { id: probeId } }))?.status === "running");
      const code = await running.stop("SIGTERM");
      caxton = undefined;
      expect(code).toBe(0);
      const probe = await db.probeRun.findUniqueOrThrow({ where: { id: probeId } });
      expect(probe.status).toBe("completed");
      expect(running.output()).toContain('"outcome":"drained"');
      for (const event of ['"event":"shutting down"', '"event":"stopped"']) expect(running.output()).toContain(event);
    } finally {
      await db.$disconnect();
    }
  });
});

describe("health when a dependency is down", () => {
  it("answers 503 within 2 s naming Redis when Redis stops", async () => {
    const redis = await startEmbeddedRedis(mkdtempSync(path.join(os.tmpdir(), "caxton-redis-")));
    const caxton = await startCaxton({ ...baseEnv(), REDIS_URL: redis.url, CAXTON_SHUTDOWN_TIMEOUT_MS: "1000" });
    try {
      await eventually(async () => (await health(caxton.url)).status === 200);
      await redis.child.stop(2_000);
      const down = await eventually(async () => {
        const h = await health(caxton.url);
        return h.status === 503 ? h : null;
      });
      expect(down.ms).toBeLessThan(2_000);
      expect(down.body.status).toBe("fail");
      expect(down.body.checks.redis.status).toBe("fail");
      expect(down.body.checks.redis.message).toBeTruthy();
      expect(down.body.checks.database.status).toBe("ok");
    } finally {
      await caxton.stop();
      await redis.child.stop(1_000);
    }
  });

  it("answers 503 naming the database when it is unreachable", async () => {
    // The web process alone (the supervisor would refuse to start without a database).
    const port = await freePort();
    const deadPort = await freePort();
    const web = spawn(process.execPath, [fromRoot("dist/web.mjs")], {
      cwd: fromRoot(),
      env: {
        ...process.env,
        ...baseEnv(),
        DATABASE_URL: `postgresql://nobody@127.0.0.1:${deadPort}/none`,
        PORT: String(port),
        CAXTON_CONFIG: "",
      },
      stdio: "ignore",
    });
    try {
      const down = await eventually(async () => {
        const h = await health(`http://127.0.0.1:${port}`);
        return h.status === 503 ? h : null;
      }, 20_000);
      expect(down.ms).toBeLessThan(2_000);
      expect(down.body.checks.database).toMatchObject({ status: "fail", message: expect.stringMatching(/\S/) });
      expect(down.body.checks.redis.status).toBe("ok");
    } finally {
      web.kill("SIGTERM");
    }
  });
});

describe("start-up with a bad configuration", () => {
  it("stops before starting anything and says what to fix", async () => {
    const child = spawn(process.execPath, [fromRoot("dist/caxton.mjs"), "serve"], {
      cwd: fromRoot(),
      env: { ...process.env, PORT: "http", LOG_LEVEL: "loud", CAXTON_CONFIG: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("2 problems");
    expect(stderr).toContain('environment variable PORT = "http" is not allowed');
    expect(stderr).toContain('environment variable LOG_LEVEL = "loud" is not allowed: expected one of trace, debug');
  });
});
