import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { fromRoot } from "../server/platform/paths";
import { freePort } from "../server/platform/ports";
import { eventually, startCaxton, testDatabase } from "./support/env";

/** `npm start` and `caxton serve` as process managers and people run them, on the embedded services. */
const embeddedEnv = (dataDir: string) => ({
  DATABASE_URL: "",
  REDIS_URL: "",
  CAXTON_DATA_DIR: dataDir,
  CAXTON_SHUTDOWN_TIMEOUT_MS: "3000",
  CAXTON_CONFIG: "",
});

/** Every process below `root`, from `ps`. */
function descendants(root: number): number[] {
  const rows = spawnSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .stdout.trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of rows) {
      if (parent === pid) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

describe("npm start under a process manager", () => {
  it("starts quietly, and SIGTERM to the npm process stops everything as Ctrl-C does: port freed, no process left", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "caxton-npm-start-"));
    const port = await freePort();
    const npm = spawn("npm", ["start"], {
      cwd: fromRoot(),
      env: { ...process.env, ...embeddedEnv(dataDir), PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    npm.stdout.on("data", (chunk) => (output += chunk));
    npm.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => npm.once("exit", (code) => resolve(code)));
    try {
      await eventually(async () => output.includes("Press Ctrl-C to stop."), 90_000, 100);

      // One tool-agent message, so the first WASM tool call (node:wasi) is part of the start.
      const env = { ...process.env, ...embeddedEnv(dataDir) };
      const bootstrap = spawnSync(
        process.execPath,
        [fromRoot("dist/caxton.mjs"), "admin", "bootstrap", "--email", "npm@example.com", "--workspace", "npm-start"],
        { encoding: "utf8", env },
      );
      expect(bootstrap.status).toBe(0);
      const authorization = `Bearer ${bootstrap.stdout.trim()}`;
      const url = `http://127.0.0.1:${port}`;
      const agent =
        'name = "counter"\nversion = "1.0.0"\ndescription = "Counts words."\ncapabilities = ["count-words"]\n\n[handler]\ntool = "word-count"\n';
      expect(
        (
          await fetch(`${url}/api/v1/agents`, {
            method: "POST",
            headers: { authorization, "content-type": "application/toml" },
            body: agent,
          })
        ).status,
      ).toBe(200);
      const sent = await fetch(`${url}/api/v1/messages`, {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify({ capability: "count-words", content: "one two three", wait: 20 }),
      });
      expect(((await sent.json()) as { replies: { content: { words: number } }[] }).replies.map((r) => r.content.words)).toEqual([3]);

      const tree = descendants(npm.pid!);
      expect(tree.length).toBeGreaterThanOrEqual(5); // supervisor, web, worker, PGlite, redis-server
      npm.kill("SIGTERM");
      expect(await exited).toBe(0);
      await eventually(async () => tree.every((pid) => !alive(pid)), 10_000, 100);
      expect(await portOpen(port)).toBe(false);
      for (const event of [
        '"name":"supervisor","event":"shutting down","reason":"SIGTERM"',
        '"outcome":"drained"',
        '"name":"supervisor","event":"stopped"',
      ]) {
        expect(output).toContain(event);
      }

      // A clean start prints the banner and lifecycle lines only: log lines below warn, npm's
      // script headers (`> ...`), the banner (indented) and what prepare says it builds.
      const noisy = output.split("\n").filter((line) => {
        if (line.startsWith("{")) return (JSON.parse(line) as { level: number }).level >= 40;
        return !/^$|^> |^ {2}|^\[prepare\] /.test(line);
      });
      expect(noisy).toEqual([]);
    } finally {
      if (npm.exitCode === null) npm.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});

describe("npm start killed with SIGKILL", () => {
  it("is noticed by the supervisor, which stops everything as on SIGTERM", async () => {
    const database = await testDatabase("npm_kill");
    const port = await freePort();
    const npm = spawn("npm", ["start"], {
      cwd: fromRoot(),
      env: {
        ...process.env,
        ...embeddedEnv(mkdtempSync(path.join(os.tmpdir(), "caxton-npm-kill-"))),
        DATABASE_URL: database.url,
        REDIS_URL: inject("redisUrl"),
        CAXTON_REDIS_PREFIX: `test:npm-kill:${process.pid}`,
        PORT: String(port),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    npm.stdout.on("data", (chunk) => (output += chunk));
    npm.stderr.on("data", (chunk) => (output += chunk));
    try {
      await eventually(async () => output.includes("Press Ctrl-C to stop."), 90_000, 100);
      const tree = descendants(npm.pid!);
      expect(tree.length).toBeGreaterThanOrEqual(3); // supervisor, web, worker
      npm.kill("SIGKILL");
      await eventually(async () => tree.every((pid) => !alive(pid)), 15_000, 100);
      expect(await portOpen(port)).toBe(false);
      expect(output).toContain('"event":"shutting down","reason":"parent process exited"');
    } finally {
      if (npm.exitCode === null) npm.kill("SIGKILL");
      await database.drop();
    }
  }, 120_000);
});

describe("one Caxton per data dir", () => {
  it("refuses a second start naming the running one, leaves it untouched, and takes over a stale lock", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "caxton-lock-"));
    const first = await startCaxton(
      { ...embeddedEnv(dataDir), REDIS_URL: inject("redisUrl"), CAXTON_REDIS_PREFIX: `test:lock:${process.pid}` },
      60_000,
    );
    try {
      const database = Number(readFileSync(path.join(dataDir, "pglite", "server.pid"), "utf8"));
      const secondPort = await freePort();
      const second = spawnSync(process.execPath, [fromRoot("dist/caxton.mjs"), "serve"], {
        cwd: fromRoot(),
        encoding: "utf8",
        timeout: 30_000,
        env: { ...process.env, ...embeddedEnv(dataDir), PORT: String(secondPort) },
      });
      expect(second.status).toBe(1);
      const firstPort = new URL(first.url).port;
      expect(second.stderr).toContain(
        `Caxton is already running on this data dir (pid ${first.process.pid}, url http://localhost:${firstPort}); stop it first or use another CAXTON_DATA_DIR`,
      );
      // The first instance and its embedded database are as they were.
      expect(alive(database)).toBe(true);
      const health = await fetch(`${first.url}/api/health`);
      expect(health.status).toBe(200);
      expect((await health.json()).checks.database.status).toBe("ok");
      expect(await portOpen(secondPort)).toBe(false);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    // A lock left by a supervisor that died (its pid is gone) is taken over.
    writeFileSync(
      path.join(dataDir, "caxton.lock"),
      JSON.stringify({ pid: 2 ** 22 + 1, url: "http://localhost:1", startedAt: new Date().toISOString() }),
    );
    const again = await startCaxton(
      { ...embeddedEnv(dataDir), REDIS_URL: inject("redisUrl"), CAXTON_REDIS_PREFIX: `test:lock:${process.pid}` },
      60_000,
    );
    expect(JSON.parse(readFileSync(path.join(dataDir, "caxton.lock"), "utf8")).pid).toBe(again.process.pid);
    expect(await again.stop()).toBe(0);
    expect(() => readFileSync(path.join(dataDir, "caxton.lock"))).toThrow();
    rmSync(dataDir, { recursive: true, force: true });
  }, 150_000);
});

describe("a supervisor killed with SIGKILL", () => {
  it("leaves no process behind: web and worker drain and exit, the embedded services follow", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "caxton-sigkill-"));
    const caxton = await startCaxton(embeddedEnv(dataDir), 60_000);
    const tree = descendants(caxton.process.pid!);
    try {
      expect(tree.length).toBeGreaterThanOrEqual(4);
      caxton.process.kill("SIGKILL");
      await caxton.exited;
      // Bounded by shutdown.timeout_ms (3 s here) plus the services' grace after it.
      await eventually(async () => tree.every((pid) => !alive(pid)), 20_000, 200);
      expect(await portOpen(Number(new URL(caxton.url).port))).toBe(false);
    } finally {
      for (const pid of tree) if (alive(pid)) process.kill(pid, "SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe("an embedded service that dies", () => {
  it("is started again on its port and data: Redis and PGlite killed in turn, messages are answered after each", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "caxton-service-kill-"));
    const caxton = await startCaxton({ ...embeddedEnv(dataDir), CAXTON_RECOVERY_INTERVAL_MS: "1000", LOG_LEVEL: "info" }, 60_000);
    try {
      const env = { ...process.env, ...embeddedEnv(dataDir) };
      const bootstrap = spawnSync(
        process.execPath,
        [fromRoot("dist/caxton.mjs"), "admin", "bootstrap", "--email", "services@example.com", "--workspace", "services"],
        { encoding: "utf8", env },
      );
      expect(bootstrap.status).toBe(0);
      const authorization = `Bearer ${bootstrap.stdout.trim()}`;
      const agent =
        'name = "counter"\nversion = "1.0.0"\ndescription = "Counts words."\ncapabilities = ["count-words"]\n\n[handler]\ntool = "word-count"\n';
      expect(
        (
          await fetch(`${caxton.url}/api/v1/agents`, {
            method: "POST",
            headers: { authorization, "content-type": "application/toml" },
            body: agent,
          })
        ).status,
      ).toBe(200);
      const answered = (text: string) =>
        eventually(
          async () => {
            const response = await fetch(`${caxton.url}/api/v1/messages`, {
              method: "POST",
              headers: { authorization, "content-type": "application/json" },
              body: JSON.stringify({ capability: "count-words", content: text, wait: 10 }),
            });
            const body = (await response.json()) as { message?: { status: string }; replies?: { content: { words: number } }[] };
            return response.status === 200 && body.message?.status === "answered" ? body.replies!.map((r) => r.content.words) : null;
          },
          40_000,
          500,
        );
      expect(await answered("one")).toEqual([1]);

      for (const [service, words] of [
        ["redis", "one two"],
        ["postgres", "one two three"],
      ] as const) {
        // The service itself, below its guard (whose pid is in the pid file).
        const guard = Number(readFileSync(path.join(dataDir, service === "redis" ? "redis" : "pglite", "server.pid"), "utf8"));
        const [pid] = descendants(guard);
        process.kill(pid!, "SIGKILL");
        await eventually(async () => caxton.output().includes(`"event":"process restarted","process":"${service}"`), 40_000, 200);
        expect(caxton.output()).toContain(`"event":"process exited","process":"${service}","code":null,"signal":"SIGKILL"`);
        expect(await answered(words)).toEqual([words.split(" ").length]);
      }
      await eventually(async () => (await fetch(`${caxton.url}/api/health`)).status === 200, 20_000);
    } finally {
      expect(await caxton.stop()).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
