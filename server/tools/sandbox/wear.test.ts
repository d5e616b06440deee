import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { fromRoot } from "../../platform/paths";
import { sampleRunnable } from "./fixtures";
import { createSandbox } from "./sandbox";
import type { RunnableTool } from "./types";

// A warm wasm plugin must serve any number of calls the same way. Extism's worker plugin kept
// every call's input and output blocks (see wasm-host.ts): its 16,384th call failed with
// "cannot assign to this block", and inputs of 100 KB ran the block list into maxPages
// within ~40 calls. Both are checked on one warm plugin of the sample word-count.

const sandbox = createSandbox();
let wordCount: RunnableTool;

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [fromRoot("scripts/build-plugins.mjs"), "word-count"], { cwd: fromRoot(), timeout: 120_000 });
  wordCount = sampleRunnable("word-count", "wear");
}, 120_000);

afterAll(() => sandbox.close());

it("runs one warm wasm tool 20,000 times and none of the calls fails", { timeout: 120_000 }, async () => {
  const failures: string[] = [];
  for (let i = 1; i <= 20_000; i++) {
    const outcome = await sandbox.run(wordCount, { text: `call ${i}` });
    if (!outcome.ok) failures.push(`call ${i}: ${outcome.diagnostic.message}`);
    else if (i % 5_000 === 0) expect(outcome.output).toEqual({ words: 2, lines: 1, chars: `call ${i}`.length });
  }
  expect(failures.slice(0, 3)).toEqual([]);
  // The same plugin served every call: nothing was recycled to hide a worn-out instance.
  expect(sandbox.stats().wasm).toMatchObject({ created: 1, failures: 0 });
});

it("serves 300 calls of a 100 KB input on one warm plugin (the blocks are freed after each call)", { timeout: 60_000 }, async () => {
  const tool = { ...wordCount, key: "wear-large" };
  const text = "word ".repeat(20_000);
  for (let i = 1; i <= 300; i++) {
    const outcome = await sandbox.run(tool, { text });
    expect(outcome.ok ? outcome.output : outcome.diagnostic.message, `call ${i}`).toEqual({ words: 20_000, lines: 1, chars: 100_000 });
  }
  expect(sandbox.stats().wasm.created).toBe(2);
});
