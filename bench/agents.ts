// `tsx bench/agents.ts` (part of `npm run bench`): agent documents, each figure next to its budget.
//   1. validateAgentSource on a typical document, 5,000 times after warm-up: p50/p95/p99
//   2. `caxton dev` save-to-applied: a real server and `caxton dev <tmpdir>` as child processes;
//      30 saves, each timed from the write until GET /api/v1/agents/{name} shows the new version
// Only loopback is touched; every process and the bench's schema are cleaned up.
// BENCH_VERBOSE=1 also prints what `caxton dev` itself measured for each save.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { validateAgentSource } from "../server/agents/validate";
import { fromRoot } from "../server/platform/paths";
import { sampleAgent } from "../test/support/agents";
import { createReport, percentile, runBench, startBenchPlatform } from "./support";

const { report, summary } = createReport();
const ms = (x: number) => `${x.toFixed(x < 10 ? 3 : 0)} ms`;

function benchValidate() {
  const document = new TextEncoder().encode(sampleAgent("summarizer"));
  for (let i = 0; i < 500; i++) validateAgentSource(document);
  const times: number[] = [];
  for (let i = 0; i < 5_000; i++) {
    const started = performance.now();
    const result = validateAgentSource(document);
    times.push(performance.now() - started);
    if (!result.ok) throw new Error("the sample document should be valid");
  }
  const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(times, p)) as [number, number, number];
  report("validate a typical agent document, p95", ms(p95), "p95 < 2 ms", p95 < 2, `5,000 runs: p50 ${ms(p50)}, p99 ${ms(p99)}`);
}

/** Resolves when `output()` contains `text`; fails after timeoutMs. */
async function waitFor(output: () => string, text: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" did not appear in ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function benchDev(databaseUrl: string, redisUrl: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "caxton-bench-dev-"));
  const platform = await startBenchPlatform("agents", databaseUrl, redisUrl);
  const { server, token } = platform;
  try {
    const cli = [process.execPath, fromRoot("dist/caxton.mjs")];
    const dev = spawn(cli[0]!, [...cli.slice(1), "dev", dir], {
      env: { ...process.env, CAXTON_URL: server.url, CAXTON_TOKEN: token, CAXTON_CONFIG: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    dev.stdout.on("data", (chunk) => (output += chunk));
    dev.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => dev.once("exit", (code) => resolve(code)));
    const file = path.join(dir, "summarizer.toml");
    await waitFor(() => output, "for changes");
    writeFileSync(file, sampleAgent("summarizer"));
    await waitFor(() => output, "created summarizer v1");

    const activeVersion = async () => {
      const response = await fetch(`${server.url}/api/v1/agents/summarizer`, { headers: { authorization: `Bearer ${token}` } });
      return ((await response.json()) as { activeVersion: { number: number } }).activeVersion.number;
    };
    const times: number[] = [];
    let version = 1;
    for (let i = 0; i < 30; i++) {
      // Apart from each other, so every save is its own burst (a human saves seconds apart).
      await new Promise((r) => setTimeout(r, 50));
      const started = performance.now();
      writeFileSync(file, sampleAgent("summarizer", { description: `Summarizes documents, edit ${i + 1}.` }));
      const deadline = Date.now() + 10_000;
      while ((await activeVersion()) <= version) {
        if (Date.now() > deadline) throw new Error(`save ${i + 1} was not applied within 10 s:\n${output}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      times.push(performance.now() - started);
      version++;
    }
    if (process.env.BENCH_VERBOSE)
      console.log(
        output
          .split("\n")
          .filter((l) => / in \d+ ms/.test(l))
          .join("\n"),
        times.map((t) => t.toFixed(0)).join(" "),
      );
    dev.kill("SIGTERM");
    const code = await exited;
    const [p50, p95] = [percentile(times, 50), percentile(times, 95)];
    report(
      "caxton dev save -> applied on the server, p95",
      ms(p95),
      "p95 < 500 ms",
      p95 < 500,
      `30 saves: p50 ${ms(p50)}, max ${ms(Math.max(...times))}; dev exited ${code}`,
    );
  } finally {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

runBench(summary, async (services) => {
  benchValidate();
  await benchDev(services.databaseUrl, services.redisUrl);
});
