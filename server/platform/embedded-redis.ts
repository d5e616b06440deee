import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { guarded, startChild, stopLeftover, writePid, type Child } from "./child";
import type { EmbeddedService } from "./embedded-postgres";
import { freePort, waitForPort } from "./ports";

export class RedisMissingError extends Error {
  constructor() {
    super(
      "Caxton needs Redis 7 and found no `redis-server` on PATH and no REDIS_URL.\n" +
        "  Install it:  Debian/Ubuntu `sudo apt-get install redis-server`; macOS `brew install redis`\n" +
        "  or point Caxton at a running one:  REDIS_URL=redis://127.0.0.1:6379 npm start",
    );
    this.name = "RedisMissingError";
  }
}

export function findRedisServer(): string | null {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : null;
}

/**
 * redis-server from PATH on loopback with its data (append-only file, so queued jobs
 * survive a restart) in `<dataDir>/redis`. `drainMs`: how long the service outlives a
 * supervisor that died (see service-guard.mjs).
 */
export async function startEmbeddedRedis(dataDir: string, binary = findRedisServer(), drainMs = 10_000): Promise<EmbeddedService> {
  if (!binary) throw new RedisMissingError();
  const dir = path.resolve(dataDir, "redis");
  mkdirSync(dir, { recursive: true });
  const pidFile = path.join(dir, "server.pid");
  stopLeftover(pidFile);
  const port = await freePort();
  // Started again on the same port after a crash, so web and worker reconnect to it.
  const spawnRedis = () => {
    const [command, args] = guarded(
      binary,
      ["--bind", "127.0.0.1", "--port", String(port), "--dir", dir, "--appendonly", "yes", "--save", "", "--protected-mode", "yes"],
      drainMs,
    );
    const child = startChild("redis", command, args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
    writePid(pidFile, child.process.pid);
    return child;
  };
  const ready = async (child: Child) => {
    let stderr = "";
    child.process.stderr?.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4_000)));
    await Promise.race([
      waitForPort(port, "127.0.0.1", 10_000),
      child.exited.then((code) => {
        throw new Error(`embedded Redis exited (code ${code}): ${stderr.trim() || "no output"}`);
      }),
    ]);
  };
  const child = spawnRedis();
  try {
    await ready(child);
  } catch (error) {
    await child.stop(1_000);
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, child, spawn: spawnRedis, ready };
}
