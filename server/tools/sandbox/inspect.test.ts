import { beforeAll, describe, expect, it } from "vitest";
import { compileFixture } from "./fixtures";
import type { ToolManifest } from "../manifest";
import { inspectModule } from "../inspect";
import { inspectWasm, wasmMemories } from "./wasm-inspect";

const limits = { entry: "echo", maxMemoryPages: 64, maxBytes: 1 << 20 };
let tools: Uint8Array, noMax: Uint8Array, envAbort: Uint8Array, envMemory: Uint8Array;

beforeAll(async () => {
  [tools, noMax, envAbort, envMemory] = await Promise.all([
    compileFixture("tools"),
    compileFixture("tools", { maximumMemory: null }),
    compileFixture("tools", { importAbort: true }),
    compileFixture("tools", { importMemory: true, maximumMemory: 32 }),
  ]);
});

const codes = (problems: { code: string }[]) => problems.map((p) => p.code);

describe("inspectWasm", () => {
  it("accepts a well-formed module and reads its memory limits", () => {
    expect(inspectWasm(tools, limits)).toEqual([]);
    expect(wasmMemories(tools)).toEqual([{ imported: false, initial: 1, maximum: 64, shared: false, memory64: false }]);
  });

  it("refuses bytes that are not wasm, saying what to upload", () => {
    const problems = inspectWasm(new TextEncoder().encode("export function echo() {}"), limits);
    expect(codes(problems)).toEqual(["not_wasm"]);
    expect(problems[0]!.message).toMatch(/upload the \.wasm file/);
    expect(codes(inspectWasm(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 99]), limits))).toEqual(["not_wasm"]);
  });

  it("refuses a module over maxBytes before compiling it", () => {
    expect(codes(inspectWasm(tools, { ...limits, maxBytes: 1000 }))).toEqual(["too_large"]);
  });

  it("refuses a missing entry and an entry that is not a function", () => {
    const missing = inspectWasm(tools, { ...limits, entry: "nope" });
    expect(codes(missing)).toEqual(["missing_export"]);
    expect(missing[0]!.message).toMatch(/no export named "nope".*echo, count/);
    expect(inspectWasm(tools, { ...limits, entry: "memory" })[0]!.message).toMatch(/exported as a memory, not a function/);
  });

  it("refuses memory without a declared maximum, telling how to compile", () => {
    const problems = inspectWasm(noMax, limits);
    expect(codes(problems)).toEqual(["no_memory_maximum"]);
    expect(problems[0]!.message).toMatch(/asc --maximumMemory 64/);
  });

  it("refuses a maximum over the tool's maxMemoryPages", () => {
    const problems = inspectWasm(tools, { ...limits, maxMemoryPages: 16 });
    expect(codes(problems)).toEqual(["memory_over_limit"]);
    expect(problems[0]!.message).toMatch(/64 pages, over the tool's maxMemoryPages 16/);
  });

  it("refuses env.abort and env.memory imports, naming them", () => {
    const abort = inspectWasm(envAbort, limits);
    expect(codes(abort)).toEqual(["unsupported_import"]);
    expect(abort[0]!.message).toMatch(/env\.abort \(function\).*--use abort=/);
    const memory = inspectWasm(envMemory, limits);
    expect(codes(memory)).toEqual(["unsupported_import"]);
    expect(memory[0]!.message).toMatch(/env\.memory \(memory\)/);
  });
});

describe("JavaScript modules at upload (compiled, never run)", () => {
  const js = (source: string) =>
    inspectModule(
      { kind: "js", entry: "run", permissions: { maxMemoryPages: 256, timeoutMs: 100, allowedHosts: [] } } as unknown as ToolManifest,
      new TextEncoder().encode(source),
    );

  it("accepts a tool that defines its entry", () => {
    expect(js("function run(input) { return { n: input.n + 1 }; }")).toEqual([]);
    expect(js("const run = (input) => ({ n: input.n });")).toEqual([]);
  });

  it("reports a syntax error with its line", () => {
    const problems = js("// a tool\nfunction run(input) { return {");
    expect(codes(problems)).toEqual(["js_syntax"]);
    expect(problems[0]!.message).toMatch(/SyntaxError.*\(line 2\)/);
  });

  it("reports a missing entry without running the code", () => {
    expect(codes(js("const run = 3;"))).toEqual(["js_missing_entry"]);
    expect(js("function other() {}")[0]!.message).toMatch(/no top-level function "run"/);
    // Never run: top-level code that would not end is not a problem at upload.
    expect(codes(js("while (true) {}"))).toEqual(["js_missing_entry"]);
  });
});
