// `tsx bench/tools.ts`: the tool sandbox, each figure next to its budget. The warm and first
// calls use the sample word-count tool (plugins/, built by npm run build:plugins) with its own
// manifest; the loop is the AssemblyScript fixture the sandbox tests compile.
//   1. warm call of the sample word-count through createSandbox (schema checks included), 2,000 calls: p50/p95
//   2. first call of a freshly loaded WASM tool (plugin creation + call), 10 fresh keys: median
//   3. warm JS tool call, 2,000 calls: p50/p95
//   4. time to cancel an infinite loop with timeoutMs 100 (WASM and JS), 5 warm runs each: worst
//   5. wear: CPU (process.cpuUsage, every thread) of the last 1,000 of 20,000 warm word-count
//      calls over the first 1,000; a warm plugin must stay flat, and none of the calls may fail
import { compileFixture, sampleRunnable, testTool } from "../server/tools/sandbox/fixtures";
import { createSandbox } from "../server/tools/sandbox/sandbox";
import type { RunnableTool } from "../server/tools/sandbox/types";
import { createReport, median, percentile } from "./support";

const { report, summary } = createReport();
const ms = (x: number) => `${x.toFixed(x < 10 ? 3 : 0)} ms`;
const sandbox = createSandbox();
const wasm = await compileFixture("tools");
const schema = { type: "object", properties: { text: { type: "string" } }, required: ["text"] };
const input = { text: "the quick brown fox jumps over the lazy dog" };

/** The sample word-count as the registry would hand it to a worker, under a given pool key. */
const wordCount = (key: string) => sampleRunnable("word-count", key);

async function timeCalls(tool: RunnableTool, n: number) {
  for (let i = 0; i < 200; i++) await sandbox.run(tool, input);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const outcome = await sandbox.run(tool, input);
    times.push(performance.now() - started);
    if (!outcome.ok) throw new Error(`${tool.name} failed: ${outcome.diagnostic.message}`);
  }
  return [percentile(times, 50), percentile(times, 95)] as const;
}

/** CPU of the first and the last `window` of `n` calls on one warm plugin (its creation is not counted). */
async function wearRatio(tool: RunnableTool, n: number, window: number) {
  const short = { text: "a warm tool" };
  await sandbox.run(tool, short);
  let failed = 0;
  let firstFailure = 0;
  let firstMs = 0;
  let lastMs = 0;
  let mark = process.cpuUsage();
  const cpuMsSince = (from: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(from);
    return (used.user + used.system) / 1000;
  };
  for (let i = 1; i <= n; i++) {
    if (i === n - window + 1) mark = process.cpuUsage();
    const outcome = await sandbox.run(tool, short);
    if (!outcome.ok && failed++ === 0) firstFailure = i;
    if (i === window) firstMs = cpuMsSince(mark);
  }
  lastMs = cpuMsSince(mark);
  return { ratio: lastMs / firstMs, firstMs, lastMs, failed, firstFailure };
}

try {
  const [wasmP50, wasmP95] = await timeCalls(wordCount("warm"), 2_000);
  report("warm call of the sample word-count (WASM), p95", ms(wasmP95), "p95 < 5 ms", wasmP95 < 5, `p50 ${ms(wasmP50)}`);

  const firsts: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    const outcome = await sandbox.run(wordCount(`fresh-${i}`), input);
    firsts.push(performance.now() - started);
    if (!outcome.ok) throw new Error(outcome.diagnostic.message);
  }
  const first = median(firsts);
  report("first call of a freshly loaded WASM tool", ms(first), "< 100 ms", first < 100, `median of 10, worst ${ms(Math.max(...firsts))}`);

  const jsTool = testTool("js", "function run(input) { return { words: input.text.split(/\\s+/).filter(Boolean).length }; }", "run", {
    inputSchema: schema,
  });
  const [jsP50, jsP95] = await timeCalls(jsTool, 2_000);
  report("warm JS tool call, p95", ms(jsP95), "p95 < 2 ms", jsP95 < 2, `p50 ${ms(jsP50)}`);

  for (const [label, tool] of [
    ["WASM", testTool("wasm", wasm, "spin", { limits: { timeoutMs: 100 } })],
    ["JS", testTool("js", "function run(input) { if (input.spin) for (;;) {} return {}; }", "run", { limits: { timeoutMs: 100 } })],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      // Warm the pool under the loop's key first (the pool is per key, not per entry), so the
      // figure is the cancellation itself, not the plugin or isolate creation after the last
      // cancel (a timeout closes the plugin and disposes the isolate).
      if (label === "WASM") await sandbox.run({ ...tool, entry: "echo" }, {});
      else await sandbox.run(tool, {});
      const started = performance.now();
      const outcome = await sandbox.run(tool, label === "JS" ? { spin: true } : {});
      times.push(performance.now() - started);
      if (outcome.ok || outcome.diagnostic.kind !== "timeout") throw new Error(`${label} loop was not a timeout`);
    }
    const worst = Math.max(...times);
    report(
      `cancel a ${label} infinite loop (timeoutMs 100)`,
      ms(worst),
      "< 150 ms",
      worst < 150,
      `worst of 5, warm; median ${ms(median(times))}`,
    );
  }

  // Last: its 20,000 calls leave garbage behind that would weigh on the figures above.
  const wear = await wearRatio(wordCount("wear"), 20_000, 1_000);
  report(
    "warm WASM CPU, last 1,000 of 20,000 / first",
    wear.ratio.toFixed(2),
    "≤ 1.2, 0 failed",
    wear.ratio <= 1.2 && wear.failed === 0,
    `first ${ms(wear.firstMs)}, last ${ms(wear.lastMs)} of CPU per 1,000; ${wear.failed} failed${wear.firstFailure ? ` (first at call ${wear.firstFailure})` : ""}`,
  );
} finally {
  await sandbox.close();
}
summary();
