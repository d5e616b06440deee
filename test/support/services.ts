import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { startEmbeddedPostgres } from "../../server/platform/embedded-postgres";
import { startEmbeddedRedis } from "../../server/platform/embedded-redis";

/**
 * Finds (or starts) the PostgreSQL and Redis the tests run against:
 *   TEST_DATABASE_URL / TEST_REDIS_URL when set; else the local servers on their standard
 *   ports; else an embedded PGlite / a redis-server from PATH in a temporary folder.
 * Suites isolate themselves inside these by schema (`?schema=`) and Redis key prefix.
 */
export interface TestServices {
  databaseUrl: string;
  redisUrl: string;
  databaseMode: "TEST_DATABASE_URL" | "local PostgreSQL" | "embedded PGlite";
  redisMode: "TEST_REDIS_URL" | "local Redis" | "embedded redis-server";
  stop(): Promise<void>;
}

const LOCAL_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
const LOCAL_TEST_DB = "caxton_test";

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_500 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function ensureVector(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("CREATE EXTENSION IF NOT EXISTS vector");
  } catch (error) {
    throw new Error(
      `pgvector is not available on the test database (${(error as Error).message}). ` +
        "Install it (Debian 12: see .ci/provision.sh, which builds it from Debian's source package).",
    );
  } finally {
    await client.end();
  }
}

export async function startTestServices(): Promise<TestServices> {
  const stops: (() => Promise<unknown>)[] = [];
  let tmp: string | undefined;
  const tempDir = () => (tmp ??= mkdtempSync(path.join(os.tmpdir(), "caxton-test-")));

  let databaseUrl: string;
  let databaseMode: TestServices["databaseMode"];
  if (process.env.TEST_DATABASE_URL) {
    databaseUrl = process.env.TEST_DATABASE_URL;
    databaseMode = "TEST_DATABASE_URL";
  } else if (await canConnect(LOCAL_ADMIN_URL)) {
    const admin = new pg.Client({ connectionString: LOCAL_ADMIN_URL });
    await admin.connect();
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [LOCAL_TEST_DB]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${LOCAL_TEST_DB}`);
    await admin.end();
    databaseUrl = `postgresql://postgres@127.0.0.1:5432/${LOCAL_TEST_DB}`;
    databaseMode = "local PostgreSQL";
  } else {
    const embedded = await startEmbeddedPostgres(tempDir());
    stops.push(() => embedded.child.stop(5_000));
    databaseUrl = embedded.url;
    databaseMode = "embedded PGlite";
  }
  await ensureVector(databaseUrl);

  let redisUrl: string;
  let redisMode: TestServices["redisMode"];
  if (process.env.TEST_REDIS_URL) {
    redisUrl = process.env.TEST_REDIS_URL;
    redisMode = "TEST_REDIS_URL";
  } else if (await redisAnswers("redis://127.0.0.1:6379")) {
    redisUrl = "redis://127.0.0.1:6379";
    redisMode = "local Redis";
  } else {
    const embedded = await startEmbeddedRedis(tempDir());
    stops.push(() => embedded.child.stop(5_000));
    redisUrl = embedded.url;
    redisMode = "embedded redis-server";
  }

  return {
    databaseUrl,
    redisUrl,
    databaseMode,
    redisMode,
    async stop() {
      await Promise.all(stops.map((stop) => stop()));
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    },
  };
}

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}
