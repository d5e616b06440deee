import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { clearConfigCache } from "../../server/config/load";
import { closeDb } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import { splitSchema } from "../../server/db/url";
import { fromRoot } from "../../server/platform/paths";
import { freePort } from "../../server/platform/ports";
import { closeQueues } from "../../server/queue/queues";
import { closeRedis } from "../../server/redis";

export const TEST_AUTH_SECRET = "test-secret-test-secret-test-secret-0123456789";

export const uniqueName = (label: string) => `${label.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_${randomBytes(4).toString("hex")}`;

/** A migrated schema of its own in the test database; drop() removes it. */
export async function testDatabase(label: string) {
  const schema = `t_${uniqueName(label)}`;
  const base = new URL(inject("databaseUrl"));
  base.searchParams.set("schema", schema);
  const url = base.toString();
  await migrate(url);
  return {
    url,
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: splitSchema(url).connectionString });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

/**
 * Points this test process's own config (getConfig, getDb, getRedis) at a test database
 * schema and a Redis prefix of its own. Returns a cleanup that closes the pools.
 */
export async function useTestEnvironment(label: string, extra: Record<string, string> = {}) {
  const database = await testDatabase(label);
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: inject("redisUrl"),
    CAXTON_REDIS_PREFIX: `test:${uniqueName(label)}`,
    // The same secret startCaxton gives its processes, so secrets sealed here open there.
    AUTH_SECRET: TEST_AUTH_SECRET,
    ...extra,
  };
  Object.assign(process.env, env);
  clearConfigCache();
  return {
    env,
    database,
    async cleanup() {
      await Promise.all([closeQueues(), closeRedis(), closeDb()]);
      await database.drop();
      for (const key of Object.keys(env)) delete process.env[key];
      clearConfigCache();
    },
  };
}

export interface RunningCaxton {
  url: string;
  process: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `caxton serve` from dist/ (the production build) with the given environment. */
export async function startCaxton(env: Record<string, string>, timeoutMs = 30_000): Promise<RunningCaxton> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, [fromRoot("dist/caxton.mjs"), "serve"], {
    cwd: fromRoot(),
    env: {
      ...process.env,
      CAXTON_HEARTBEAT_MS: "500",
      AUTH_SECRET: TEST_AUTH_SECRET,
      CAXTON_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "caxton-serve-")),
      ...env,
      PORT: port,
      CAXTON_CONFIG: env.CAXTON_CONFIG ?? "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`caxton did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout.on("data", () => {
      if (output.includes("Caxton is running at")) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`caxton exited with ${code} before it was ready:\n${output}`));
    });
  });
  await ready;
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls until `check` returns a value, or fails with the last error after timeoutMs. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
