import { afterAll, beforeAll, expect, it } from "vitest";
import { compileFixture, testTool } from "./fixtures";
import { createSandbox } from "./sandbox";
import type { RunnableTool } from "./types";

const sandbox = createSandbox();
let hostile: { tool: RunnableTool; input: unknown; kind: string }[];
let normal: RunnableTool;

beforeAll(async () => {
  const wasm = await compileFixture("tools");
  const js = (source: string, limits = {}) => testTool("js", source, "run", { limits });
  hostile = [
    { tool: testTool("wasm", wasm, "spin", { limits: { timeoutMs: 20 } }), input: {}, kind: "timeout" },
    { tool: testTool("wasm", wasm, "bomb"), input: {}, kind: "trap" },
    { tool: testTool("wasm", wasm, "trap"), input: {}, kind: "trap" },
    { tool: testTool("wasm", wasm, "fetch"), input: { url: "http://203.0.113.9/steal" }, kind: "host_denied" },
    { tool: js("function run() { for (;;) {} }", { timeoutMs: 20 }), input: {}, kind: "timeout" },
    {
      tool: js("const keep = []; function run() { for (;;) keep.push(new Array(1e5).fill(1.5)); }", { maxMemoryPages: 128 }),
      input: {},
      kind: "memory",
    },
  ];
  normal = testTool("wasm", wasm, "count");
});

afterAll(() => sandbox.close());

// Without --expose-gc rss is measured as is; worker threads return their memory when they
// exit, so it settles within a few hundred ms. The first round is warm-up (module caches,
// JIT, the first isolate), so the baseline is taken after it.
const rssMb = async () => {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 300));
  return process.memoryUsage().rss / 2 ** 20;
};

it(
  "survives 200 hostile calls in a row: the diagnostics are right, a normal call still works, rss stays bounded",
  { timeout: 120_000 },
  async () => {
    for (const { tool, input } of hostile) await sandbox.run(tool, input);
    const before = await rssMb();
    const seen: Record<string, number> = {};
    for (let i = 0; i < 200; i++) {
      const { tool, input, kind } = hostile[i % hostile.length]!;
      const outcome = await sandbox.run(tool, input);
      expect(outcome.ok ? "ok" : outcome.diagnostic.kind, `call ${i} (${tool.name})`).toBe(kind);
      seen[kind] = (seen[kind] ?? 0) + 1;
    }
    expect(await sandbox.run(normal, { text: "still counting words" })).toMatchObject({ ok: true, output: { words: 3 } });
    const grown = (await rssMb()) - before;
    console.log(
      `200 hostile calls ${JSON.stringify(seen)}: rss grew ${grown.toFixed(1)} MB; live plugins ${sandbox.stats().wasm.livePlugins}`,
    );
    expect(grown).toBeLessThan(50);
    expect(sandbox.stats().wasm.livePlugins).toBeLessThanOrEqual(hostile.length * 2);
  },
);
