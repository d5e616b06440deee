// `npm run bench`: start-up and footprint of the platform, each next to its budget.
//   1. `npm start` (already built, external PostgreSQL and Redis) until /api/health is 200
//   2. the same with the embedded database (fresh data dir: includes creating it)
//   3. idle RSS of the web and worker processes 60 s after start
//   4. `caxton --help` wall time
// Figures are medians of a few runs; only loopback is touched; everything stops itself.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fromRoot } from "../server/platform/paths";
import { startTestServices } from "../test/support/services";
import { createReport, median, startUntilHealthy } from "./support";

const { report, summary } = createReport();

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function findProcess(pattern: string): number {
  const found = spawnSync("pgrep", ["-n", "-f", pattern], { encoding: "utf8" });
  return Number(found.stdout.trim());
}

async function main() {
  const services = await startTestServices();
  const url = new URL(services.databaseUrl);
  url.searchParams.set("schema", `bench_${process.pid}`);
  const external = { DATABASE_URL: url.toString(), REDIS_URL: services.redisUrl, CAXTON_REDIS_PREFIX: `bench:${process.pid}` };
  console.log(`services: ${services.databaseMode}, ${services.redisMode}; ${os.cpus().length} cores\n`);
  try {
    // 1. external services (first run also migrates the bench schema; it is not counted)
    const warmup = await startUntilHealthy(external);
    await warmup.stop();
    const externalTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await startUntilHealthy(external);
      externalTimes.push(run.ms);
      await run.stop();
    }
    const t1 = median(externalTimes) / 1000;
    report(
      "npm start -> healthy, external services",
      `${t1.toFixed(2)} s`,
      "3 s",
      t1 < 3,
      `median of 3: ${externalTimes.map((t) => (t / 1000).toFixed(2)).join(", ")}`,
    );

    // 2. embedded database, fresh data dir each time
    const embeddedTimes: number[] = [];
    for (let i = 0; i < 2; i++) {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), "caxton-bench-"));
      const run = await startUntilHealthy({
        DATABASE_URL: "",
        REDIS_URL: services.redisUrl,
        CAXTON_DATA_DIR: dataDir,
        CAXTON_REDIS_PREFIX: `bench:e${i}:${process.pid}`,
      });
      embeddedTimes.push(run.ms);
      await run.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    const t2 = median(embeddedTimes) / 1000;
    report(
      "npm start -> healthy, embedded database",
      `${t2.toFixed(2)} s`,
      "8 s",
      t2 < 8,
      "fresh data dir, includes creating the database",
    );

    // 3. idle RSS after 60 s
    const idle = await startUntilHealthy(external, ["node", "dist/caxton.mjs", "serve"]);
    await new Promise((r) => setTimeout(r, 60_000));
    const web = rssMb(findProcess("dist/web.mjs"));
    const worker = rssMb(findProcess("dist/worker.mjs"));
    await idle.stop();
    report(
      "idle RSS of the web process after 60 s",
      `${web.toFixed(0)} MB`,
      "100 MB",
      web < 100,
      web < 100 ? undefined : "the Next.js server runtime with Auth.js; see README, Benchmarks",
    );
    report("idle RSS of the worker process after 60 s", `${worker.toFixed(0)} MB`, "100 MB", worker < 100);

    // 4. CLI start
    const cliTimes: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      spawnSync(process.execPath, [fromRoot("dist/caxton.mjs"), "--help"], { stdio: "ignore" });
      cliTimes.push(performance.now() - t);
    }
    const t4 = median(cliTimes);
    report("caxton --help wall time", `${t4.toFixed(0)} ms`, "100 ms", t4 < 100, "median of 15");
  } finally {
    await services.stop();
  }
  summary();
}

main().catch((error) => {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exit(1);
});
