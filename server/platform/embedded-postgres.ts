import { mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { guarded, startChild, stopLeftover, writePid, type Child } from "./child";
import { fromRoot } from "./paths";
import { freePort, waitForPort } from "./ports";

export interface EmbeddedService {
  url: string;
  child: Child;
  /** Starts the service again, on the same port and data, and tells when it is ready. */
  spawn: () => Child;
  ready: (child: Child) => Promise<void>;
}

/**
 * PGlite (PostgreSQL compiled to WebAssembly) with pgvector, served over the Postgres wire
 * protocol on loopback, its data in `<dataDir>/pglite`. For a fresh machine with no
 * PostgreSQL; production installs set DATABASE_URL. `drainMs`: how long the service
 * outlives a supervisor that died (see service-guard.mjs).
 */
export async function startEmbeddedPostgres(dataDir: string, drainMs = 10_000): Promise<EmbeddedService> {
  const dir = path.resolve(dataDir, "pglite");
  mkdirSync(dir, { recursive: true });
  const pidFile = path.join(dir, "server.pid");
  stopLeftover(pidFile);
  const port = await freePort();
  const script = fromRoot("node_modules/@electric-sql/pglite-socket/dist/scripts/server.js");
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  const spawnPostgres = () => {
    const [command, args] = guarded(
      process.execPath,
      [
        script,
        `--db=${dir}`,
        "--host=127.0.0.1",
        `--port=${port}`,
        "--extensions=@electric-sql/pglite-pgvector:vector",
        // Prisma's pool opens several connections; the default of 1 makes it fail (P1017).
        "--max-connections=10",
      ],
      drainMs,
    );
    const child = startChild("postgres", command, args, { stdio: ["ignore", "ignore", "pipe"], detached: true, cwd: fromRoot() });
    writePid(pidFile, child.process.pid);
    return child;
  };
  const ready = async (child: Child) => {
    let stderr = "";
    child.process.stderr?.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4_000)));
    await Promise.race([
      waitForPort(port, "127.0.0.1", 30_000),
      child.exited.then((code) => {
        throw new Error(`embedded PostgreSQL exited (code ${code}): ${stderr.trim() || "no output"}`);
      }),
    ]);
    const probe = new pg.Client({ connectionString: url });
    await probe.connect();
    await probe.query("SELECT 1");
    await probe.end();
  };
  const child = spawnPostgres();
  try {
    await ready(child);
  } catch (error) {
    await child.stop(1_000);
    throw error;
  }
  return { url, child, spawn: spawnPostgres, ready };
}
