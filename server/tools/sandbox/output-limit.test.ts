import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFixture, testTool } from "./fixtures";
import { createSandbox } from "./sandbox";
import type { RunOutcome } from "./types";

// One cap on what a call returns, for both kinds of tool: past it the call is a diagnostic
// that names the limit and the size, and the output itself goes nowhere.
let wasm: Uint8Array;
let roomy: Uint8Array;
const sandbox = createSandbox();
const small = createSandbox({ maxOutputBytes: 1_024 });

beforeAll(async () => {
  wasm = await compileFixture("tools");
  // Building a 1.2 MB string takes more than 64 pages of AssemblyScript heap.
  roomy = await compileFixture("tools", { maximumMemory: 256 });
});
afterAll(async () => {
  await Promise.all([sandbox.close(), small.close()]);
});

const diagnostic = (outcome: RunOutcome) => (outcome.ok ? null : outcome.diagnostic);

describe("the output cap (default 1 MiB)", () => {
  it("ends a wasm output over 1 MiB as output_too_large, and the warm plugin serves the next call", async () => {
    const tool = testTool("wasm", roomy, "big", { limits: { maxMemoryPages: 256 } });
    const over = diagnostic(await sandbox.run(tool, { n: 1_200_000 }));
    expect(over).toMatchObject({ kind: "output_too_large", limit: 1 << 20, observed: 1_200_008 });
    expect(over!.message).toMatch(/1200008 bytes, over the limit of 1048576 bytes/);
    expect(over!.message.length).toBeLessThan(400);
    const under = await sandbox.run(tool, { n: (1 << 20) - 8 });
    expect(under.ok).toBe(true);
    expect(sandbox.stats().wasm).toMatchObject({ created: 1 });
  });

  it("measures a JS tool's result as the JSON that would be stored, however it is built", async () => {
    const oneString = testTool("js", "function run() { return { s: 'y'.repeat(2 * 1024 * 1024) }; }", "run", {
      limits: { maxMemoryPages: 512 },
    });
    expect(diagnostic(await sandbox.run(oneString, {}))).toMatchObject({
      kind: "output_too_large",
      limit: 1 << 20,
      observed: 2 * 1024 * 1024 + 8,
    });
    const manyPieces = testTool("js", "function run() { return Array.from({ length: 200000 }, (_, i) => ({ i })); }", "run", {
      limits: { maxMemoryPages: 512 },
    });
    expect(diagnostic(await sandbox.run(manyPieces, {}))).toMatchObject({ kind: "output_too_large", limit: 1 << 20 });
  });
});

describe("a configured cap", () => {
  it("applies to both kinds at the configured size", async () => {
    expect(diagnostic(await small.run(testTool("wasm", wasm, "echo"), { text: "z".repeat(2_000) }))).toMatchObject({
      kind: "output_too_large",
      limit: 1_024,
      observed: 2_011,
    });
    expect(
      diagnostic(await small.run(testTool("js", "function run(input) { return input; }", "run"), { text: "z".repeat(2_000) })),
    ).toMatchObject({ kind: "output_too_large", limit: 1_024, observed: 2_011 });
    expect(await small.run(testTool("wasm", wasm, "echo"), { text: "fits" })).toMatchObject({ ok: true, output: { text: "fits" } });
  });
});

describe("diagnostics", () => {
  // A schema error names the offending key, and a key can be as long as the output allows.
  it("keep their text to a few KB, even when they quote what the tool returned", async () => {
    const tool = testTool("js", "function run() { return { ['k'.repeat(300000)]: 1 }; }", "run", {
      outputSchema: { type: "object", additionalProperties: false },
    });
    const reported = diagnostic(await sandbox.run(tool, {}));
    expect(reported).toMatchObject({ kind: "invalid_output" });
    expect(JSON.stringify(reported).length).toBeLessThan(10_000);
    expect(reported!.message).toMatch(/… \(\d+ characters in all\)$/);
  });
});
