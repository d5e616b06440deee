import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrate } from "../server/db/migrate";
import { startEmbeddedPostgres } from "../server/platform/embedded-postgres";
import { RedisMissingError, startEmbeddedRedis } from "../server/platform/embedded-redis";

describe("embedded services", () => {
  it("run PGlite with pgvector over the Postgres protocol, migrated, and keep data across restarts", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "caxton-pglite-"));
    try {
      const first = await startEmbeddedPostgres(dir);
      try {
        const result = await migrate(first.url);
        expect(result.applied.length).toBeGreaterThan(0);
        const client = new pg.Client({ connectionString: first.url });
        await client.connect();
        const { rows } = await client.query(`SELECT '[1,0,0]'::vector <=> '[0,1,0]'::vector AS distance`);
        expect(Number(rows[0].distance)).toBeCloseTo(1);
        await client.query(`INSERT INTO "ProbeRun" (id) VALUES ('kept')`);
        await client.end();
      } finally {
        await first.child.stop(5_000);
      }
      const second = await startEmbeddedPostgres(dir);
      try {
        expect((await migrate(second.url)).applied).toEqual([]);
        const client = new pg.Client({ connectionString: second.url });
        await client.connect();
        expect((await client.query(`SELECT id FROM "ProbeRun"`)).rows).toEqual([{ id: "kept" }]);
        await client.end();
      } finally {
        await second.child.stop(5_000);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it("explain how to get Redis when there is no redis-server", async () => {
    const error = await startEmbeddedRedis(os.tmpdir(), null).catch((e) => e);
    expect(error).toBeInstanceOf(RedisMissingError);
    expect(error.message).toContain("apt-get install redis-server");
    expect(error.message).toContain("REDIS_URL");
  });
});

describe("a platform on the embedded database", () => {
  it("answers messages, and lets local admin commands find its database while it runs, and only then", async () => {
    const { spawnSync } = await import("node:child_process");
    const { fromRoot } = await import("../server/platform/paths");
    const { startCaxton } = await import("./support/env");
    const { inject } = await import("vitest");
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "caxton-embedded-serve-"));
    const env = {
      DATABASE_URL: "",
      REDIS_URL: inject("redisUrl"),
      CAXTON_DATA_DIR: dataDir,
      CAXTON_REDIS_PREFIX: `test:embedded:${process.pid}`,
    };
    const loginLink = () =>
      spawnSync(process.execPath, [fromRoot("dist/caxton.mjs"), "admin", "login-link", "--json"], {
        encoding: "utf8",
        env: { ...process.env, ...env, CAXTON_CONFIG: "" },
      });
    const caxton = await startCaxton(env, 60_000);
    try {
      const result = loginLink();
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout).url).toMatch(/\/signin\/local\?token=cxo_/);
      expect(result.stderr).toContain("Using the database of the Caxton running at");

      // The message path's plain SQL works on PGlite too (one session shared by every
      // connection: statements cannot stay prepared per connection there).
      const bootstrap = spawnSync(
        process.execPath,
        [fromRoot("dist/caxton.mjs"), "admin", "bootstrap", "--email", "embedded@example.com", "--workspace", "embedded"],
        {
          encoding: "utf8",
          env: { ...process.env, ...env, CAXTON_CONFIG: "" },
        },
      );
      expect(bootstrap.status).toBe(0);
      const authorization = `Bearer ${bootstrap.stdout.trim()}`;
      const agent =
        'name = "counter"\nversion = "1.0.0"\ndescription = "Counts words."\ncapabilities = ["count-words"]\n\n[handler]\ntool = "word-count"\n';
      const pushed = await fetch(`${caxton.url}/api/v1/agents`, {
        method: "POST",
        headers: { authorization, "content-type": "application/toml" },
        body: agent,
      });
      expect(pushed.status).toBe(200);
      const sent = await Promise.all(
        ["one", "one two", "one two three", "one two three four"].map(async (text) => {
          const response = await fetch(`${caxton.url}/api/v1/messages`, {
            method: "POST",
            headers: { authorization, "content-type": "application/json" },
            body: JSON.stringify({ capability: "count-words", content: text, wait: 20 }),
          });
          expect(response.status).toBe(200);
          return (await response.json()) as { message: { status: string }; replies: { content: { words: number } }[] };
        }),
      );
      expect(sent.map((s) => [s.message.status, s.replies.map((r) => r.content.words)])).toEqual([
        ["answered", [1]],
        ["answered", [2]],
        ["answered", [3]],
        ["answered", [4]],
      ]);
    } finally {
      expect(await caxton.stop()).toBe(0);
    }
    const stopped = loginLink();
    expect(stopped.status).toBe(1);
    expect(JSON.parse(stopped.stdout).error.message).toContain("no Caxton is running from this folder");
    rmSync(dataDir, { recursive: true, force: true });
  }, 90_000);
});
