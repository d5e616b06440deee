// Helpers the benches share: figures next to their budgets, and a platform started as users start it.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { fromRoot } from "../server/platform/paths";
import { startTestServices } from "../test/support/services";
import { freePort } from "../server/platform/ports";

/** The middle sample (the upper one of an even count, as bench/startup.ts always reported). */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Nearest-rank percentile: the smallest value with at least p% of the samples at or below it. */
export function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Prints each figure as it is measured, `ok` or `OVER` its budget; summary() counts them. */
export function createReport() {
  const rows: { ok: boolean }[] = [];
  return {
    report(name: string, value: string, budget: string, ok: boolean, note?: string) {
      rows.push({ ok });
      console.log(`${ok ? "ok  " : "OVER"}  ${name.padEnd(44)} ${value.padStart(10)}   budget ${budget}${note ? `   (${note})` : ""}`);
    },
    summary() {
      const over = rows.filter((r) => !r.ok).length;
      console.log(`\n${rows.length - over} within budget, ${over} over budget`);
    },
  };
}

/**
 * A light JSON client for load: node:http over kept-alive sockets. fetch (undici) costs
 * about 1.5 ms of CPU per request here, which the load generator would take from the two
 * cores the platform under test runs on.
 */
export function jsonClient(baseUrl: string, headers: Record<string, string>, sockets = 64) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const url = new URL(baseUrl);
  return {
    request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method,
            path,
            headers: { ...headers, ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {}) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
              const text = Buffer.concat(chunks).toString("utf8");
              try {
                resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null });
              } catch {
                resolve({ status: res.statusCode ?? 0, json: text });
              }
            });
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

export interface Started {
  child: ChildProcess;
  url: string;
  ms: number;
  stop(): Promise<void>;
}

/** Runs `npm start` (or `command`) in its own process group and times it until /api/health answers 200. */
export async function startUntilHealthy(env: Record<string, string | undefined>, command = ["npm", "start", "--silent"]): Promise<Started> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    cwd: fromRoot(),
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: "warn", CAXTON_CONFIG: "", CAXTON_HEARTBEAT_MS: "200" },
    stdio: "ignore",
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("the platform did not become healthy within 60 s");
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - started;
  return {
    child,
    url,
    ms,
    async stop() {
      process.kill(-child.pid!, "SIGTERM");
      await exited;
    },
  };
}

/**
 * The whole platform from dist/ on a schema of its own, with an owner token from
 * `caxton admin bootstrap`; stop() ends it and drops the schema.
 */
export async function startBenchPlatform(label: string, databaseUrl: string, redisUrl: string, extraEnv: Record<string, string> = {}) {
  const url = new URL(databaseUrl);
  const schema = `bench_${label}_${process.pid}`;
  url.searchParams.set("schema", schema);
  const env = { DATABASE_URL: url.toString(), REDIS_URL: redisUrl, CAXTON_REDIS_PREFIX: `bench:${label}:${process.pid}`, ...extraEnv };
  const server = await startUntilHealthy(env, [process.execPath, "dist/caxton.mjs", "serve"]);
  const { spawnSync } = await import("node:child_process");
  const bootstrap = spawnSync(
    process.execPath,
    [fromRoot("dist/caxton.mjs"), "admin", "bootstrap", "--email", "bench@example.com", "--workspace", "bench"],
    {
      encoding: "utf8",
      env: { ...process.env, ...env, CAXTON_CONFIG: "" },
    },
  );
  if (bootstrap.status !== 0) {
    await server.stop();
    throw new Error(`admin bootstrap failed: ${bootstrap.stderr}`);
  }
  return {
    server,
    env,
    token: bootstrap.stdout.trim(),
    async stop() {
      await server.stop();
      const { default: pg } = await import("pg");
      const { splitSchema } = await import("../server/db/url");
      const client = new pg.Client({ connectionString: splitSchema(url.toString()).connectionString });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

/**
 * A bench's main: `measure` runs against Postgres and Redis as the tests find them, then
 * the summary is printed and the process exits (1 with the reason when a measurement fails).
 */
export function runBench(summary: () => void, measure: (services: { databaseUrl: string; redisUrl: string }) => Promise<void>): void {
  const main = async () => {
    const services = await startTestServices();
    try {
      await measure(services);
    } finally {
      await services.stop();
    }
    summary();
    process.exit(0);
  };
  main().catch((error) => {
    console.error(`bench failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
