// Compiles the AssemblyScript fixtures in ./fixtures for the sandbox tests and bench/tools.ts.
// asc takes ~2 s per module, so the bytes are cached in os.tmpdir() keyed by a hash of the
// source, the flags and the compiler version: reruns read them back in milliseconds.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { validateToolManifest } from "../manifest";
import { listSampleTools } from "../samples";
import type { RunnableTool } from "./types";

const fixturesDir = path.join(import.meta.dirname, "fixtures");
const cacheDir = path.join(os.tmpdir(), "caxton-asc-fixtures");

export interface FixtureOptions {
  /** `--maximumMemory` in pages; null leaves the memory without a declared maximum. */
  maximumMemory?: number | null;
  /** `--importMemory`: the module imports env.memory (which Extism cannot provide). */
  importMemory?: boolean;
  /** Leave out `--use abort=...`, so the module imports env.abort. */
  importAbort?: boolean;
}

export async function compileFixture(name: "tools" | "starttrap", options: FixtureOptions = {}): Promise<Uint8Array> {
  const { maximumMemory = 64, importMemory = false, importAbort = false } = options;
  const file = `${name}.ts`;
  const flags = ["--baseDir", fixturesDir, file, "--outFile", `${name}.wasm`, "-O", "--noAssert", "--initialMemory", "1"];
  if (maximumMemory !== null) flags.push("--maximumMemory", String(maximumMemory));
  if (importMemory) flags.push("--importMemory");
  if (!importAbort) flags.push("--use", name === "tools" ? `abort=${name}/myAbort` : "abort=");
  const source = readFileSync(path.join(fixturesDir, file), "utf8");
  const ascVersion = JSON.parse(readFileSync(path.join(import.meta.dirname, "../../../node_modules/assemblyscript/package.json"), "utf8"))
    .version as string;
  const hash = createHash("sha256")
    .update(JSON.stringify([source, flags, ascVersion]))
    .digest("hex")
    .slice(0, 24);
  const cached = path.join(cacheDir, `${name}-${hash}.wasm`);
  try {
    return new Uint8Array(readFileSync(cached));
  } catch {
    // not compiled yet
  }
  const { default: asc } = await import("assemblyscript/asc");
  let wasm: Uint8Array | undefined;
  let errors = "";
  const result = await asc.main(flags, {
    writeFile: (filename: string, contents: Uint8Array | string) => {
      if (filename.endsWith(".wasm") && typeof contents !== "string") wasm = contents;
    },
    stdout: { write: () => true },
    stderr: { write: (chunk: string | Uint8Array) => ((errors += String(chunk)), true) },
  } as unknown as Parameters<typeof asc.main>[1]);
  if (result.error || !wasm) throw new Error(`asc ${flags.join(" ")} failed: ${result.error?.message ?? ""}\n${errors}`);
  mkdirSync(cacheDir, { recursive: true });
  // Write then rename: parallel test files may compile the same fixture at once.
  const temporary = `${cached}.${process.pid}.tmp`;
  writeFileSync(temporary, wasm);
  renameSync(temporary, cached);
  return wasm;
}

/** A RunnableTool for tests and benches; limits default to 1 s, 64 pages, no hosts. */
export function testTool(
  kind: "wasm" | "js",
  code: Uint8Array | string,
  entry: string,
  overrides: Partial<Omit<RunnableTool, "limits">> & { limits?: Partial<RunnableTool["limits"]> } = {},
): RunnableTool {
  const { limits, ...rest } = overrides;
  return {
    key: `${kind}:${entry}:${Math.random().toString(36).slice(2)}`,
    name: entry,
    kind,
    entry,
    code: typeof code === "string" ? new TextEncoder().encode(code) : code,
    limits: { timeoutMs: 1_000, maxMemoryPages: 64, allowedHosts: [], ...limits },
    inputSchema: { type: "object" },
    ...rest,
  };
}

/** A sample tool (plugins/) as the registry hands it to a worker's sandbox, under a given pool key. */
export function sampleRunnable(name: string, key: string): RunnableTool {
  const sample = listSampleTools().find((s) => s.name === name);
  if (!sample) throw new Error(`no sample tool "${name}" in plugins/`);
  const checked = validateToolManifest(sample.manifestText, "toml");
  if (!checked.ok) throw new Error(`plugins/${name}/manifest.toml: ${checked.problems[0]?.message}`);
  const m = checked.manifest;
  return {
    key,
    name: m.name,
    kind: m.kind,
    entry: m.entry,
    code: sample.code,
    limits: m.permissions,
    inputSchema: m.inputSchema,
    outputSchema: m.outputSchema,
  };
}
