import { afterAll, describe, expect, it } from "vitest";
import type { ToolManifest } from "../manifest";
import { inspectModule } from "../inspect";
import { createSandbox } from "./sandbox";
import { testTool } from "./fixtures";
import { inspectWasm, MAX_FUNCTIONS, MAX_GLOBALS, MAX_TABLE_ENTRIES } from "./wasm-inspect";
import { readWasmSections } from "./wasm-sections";

// What a module allocates outside its linear memory: tables (8 bytes an entry that no page
// limit counts, up to 10 million entries each), globals and functions. The modules are
// written byte by byte so each one differs from a good tool in exactly one section.

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
};
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const vector = (items: number[][]) => [...leb(items.length), ...items.flat()];

interface ModuleShape {
  tables?: { initial: number; maximum?: number }[];
  globals?: number;
  extraFunctions?: number;
}

/** Exports `echo` (() -> i32) and a 1-page memory with a maximum, plus what `shape` adds. */
function module({ tables = [], globals = 0, extraFunctions = 0 }: ModuleShape): Uint8Array {
  const types = section(
    1,
    vector([
      [0x60, 0, 1, 0x7f],
      [0x60, 0, 0],
    ]),
  );
  const functions = section(3, vector([[0], ...Array.from({ length: extraFunctions }, () => [1])]));
  const tableSection = tables.length
    ? section(
        4,
        vector(
          tables.map((t) => [0x70, ...(t.maximum === undefined ? [0, ...leb(t.initial)] : [1, ...leb(t.initial), ...leb(t.maximum)])]),
        ),
      )
    : [];
  const memory = section(5, vector([[1, 1, 1]]));
  const globalSection = globals ? section(6, vector(Array.from({ length: globals }, () => [0x7f, 0, 0x41, 0, 0x0b]))) : [];
  const name = [...new TextEncoder().encode("echo")];
  const exports = section(7, vector([[name.length, ...name, 0, 0]]));
  const bodies = [[4, 0, 0x41, 0, 0x0b], ...Array.from({ length: extraFunctions }, () => [2, 0, 0x0b])];
  const code = section(10, vector(bodies));
  return new Uint8Array([
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...types,
    ...functions,
    ...tableSection,
    ...memory,
    ...globalSection,
    ...exports,
    ...code,
  ]);
}

const limits = { entry: "echo", maxMemoryPages: 64, maxBytes: 4 << 20 };
const codes = (bytes: Uint8Array) => inspectWasm(bytes, limits).map((p) => p.code);
const sandbox = createSandbox();
afterAll(() => sandbox.close());

describe("tables and other allocations outside memory", () => {
  it("accepts a module whose tables declare a small maximum, and reads its sections", () => {
    const good = module({ tables: [{ initial: 2, maximum: 2 }], globals: 3 });
    expect(codes(good)).toEqual([]);
    expect(readWasmSections(good)).toMatchObject({ tables: [{ imported: false, initial: 2, maximum: 2 }], globals: 3, functions: 1 });
  });

  it("refuses a table without a maximum, however small it starts, saying what to do", () => {
    const problems = inspectWasm(module({ tables: [{ initial: 1 }] }), limits);
    expect(problems.map((p) => p.code)).toEqual(["no_table_maximum"]);
    expect(problems[0]!.message).toMatch(/no declared maximum \(initial 1 entries\).*10 million entries.*declare the table's maximum/);
  });

  it("refuses tables whose maxima add up past the cap, one big table or many small ones", () => {
    expect(codes(module({ tables: [{ initial: 1, maximum: 10_000_000 }] }))).toEqual(["table_over_limit"]);
    const many = Array.from({ length: 5 }, () => ({ initial: 0, maximum: MAX_TABLE_ENTRIES / 4 }));
    const problems = inspectWasm(module({ tables: many }), limits);
    expect(problems.map((p) => p.code)).toEqual(["table_over_limit"]);
    expect(problems[0]!.message).toMatch(
      new RegExp(`5 table\\(s\\) declare ${(MAX_TABLE_ENTRIES / 4) * 5} entries in all, over the limit of ${MAX_TABLE_ENTRIES}`),
    );
    expect(codes(module({ tables: [{ initial: 0, maximum: MAX_TABLE_ENTRIES }] }))).toEqual([]);
  });

  it("refuses more globals or functions than a tool needs", () => {
    expect(codes(module({ globals: MAX_GLOBALS + 1 }))).toEqual(["too_many_globals"]);
    expect(codes(module({ globals: MAX_GLOBALS }))).toEqual([]);
    expect(codes(module({ extraFunctions: MAX_FUNCTIONS }))).toEqual(["too_many_functions"]);
  });

  it("refuses at upload, through the registry's inspection", () => {
    const manifest = {
      kind: "wasm",
      entry: "echo",
      permissions: { maxMemoryPages: 64, timeoutMs: 100, allowedHosts: [] },
    } as unknown as ToolManifest;
    expect(inspectModule(manifest, module({ tables: [{ initial: 1 }] })).map((p) => p.code)).toEqual(["no_table_maximum"]);
  });

  it("refuses again before running, without creating a plugin", async () => {
    const outcome = await sandbox.run(testTool("wasm", module({ tables: [{ initial: 5_000_000 }] }), "echo"), {});
    expect(outcome.ok ? null : outcome.diagnostic).toMatchObject({ kind: "trap", observed: "no_table_maximum, table_over_limit" });
    expect(sandbox.stats().wasm.created).toBe(0);
    // The same module with a bounded table runs (and, setting no output, is not JSON).
    expect(await sandbox.run(testTool("wasm", module({ tables: [{ initial: 2, maximum: 2 }] }), "echo"), {})).toMatchObject({
      ok: false,
      diagnostic: { kind: "invalid_output" },
    });
  });
});
