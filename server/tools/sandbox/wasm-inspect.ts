// Checks an uploaded tool before it ever runs. For wasm this matters beyond tidiness: Extism
// instantiates the module in a worker, and an import it cannot resolve (env.abort, env.memory,
// an unknown host function) makes that worker emit an 'error' that crashes the host process
// (see wasm-host.ts). And Extism's `memory.maxPages` caps only its own blocks, not the
// module's linear memory: only the module's declared maximum does, so it must be declared.
import type { ModuleProblem } from "./types";
import { readWasmSections, type WasmMemory, type WasmSections } from "./wasm-sections";

export type { WasmMemory } from "./wasm-sections";

/** Every memory a module declares or imports, with its limits. Throws on bytes that are not wasm. */
export function wasmMemories(bytes: Uint8Array): WasmMemory[] {
  return readWasmSections(bytes).memories;
}

/**
 * What a module may allocate besides its memory. A table entry costs V8 8 bytes that no page
 * limit counts, a table may grow to 10 million entries (~76 MB) and a module may hold many
 * tables, so every table must declare a maximum and together they stay under this. AssemblyScript
 * declares its one table's maximum, sized to the functions it calls indirectly (a few).
 */
export const MAX_TABLE_ENTRIES = 65_536;
/** V8 allows a million of each; a tool needs a few hundred (the samples define 13-19 globals, 64-82 functions). */
export const MAX_GLOBALS = 10_000;
export const MAX_FUNCTIONS = 100_000;

/** Extism's kernel functions (extism:host/env in 2.0.0-rc13's CallContext), minus its own HTTP. */
const extismEnv = new Set(
  (
    "alloc free load_u8 load_u64 store_u8 store_u64 input_offset input_length input_load_u8 input_load_u64 output_set " +
    "error_set error_get config_get var_get var_set length length_unsafe get_log_level log_trace log_debug log_info log_warn log_error"
  ).split(" "),
);
/** Host functions Caxton provides (wasm-host.ts). */
export const caxtonHostFunctions = ["caxton_http"];

export interface WasmInspectOptions {
  entry: string;
  maxMemoryPages: number;
  maxBytes: number;
}

export function inspectWasm(bytes: Uint8Array, { entry, maxMemoryPages, maxBytes }: WasmInspectOptions): ModuleProblem[] {
  if (bytes.length > maxBytes) {
    return [
      {
        code: "too_large",
        message: `the module is ${bytes.length} bytes, over the limit of ${maxBytes}: build it with optimisation (\`asc -O\`) or split the tool`,
      },
    ];
  }
  let module: WebAssembly.Module;
  let sections: WasmSections;
  try {
    module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    sections = readWasmSections(bytes);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return [
      {
        code: "not_wasm",
        message: `not a WebAssembly module (${why}): upload the .wasm file your compiler wrote, not its source or a text (.wat) file`,
      },
    ];
  }
  const problems: ModuleProblem[] = [];
  const exported = WebAssembly.Module.exports(module).find((e) => e.name === entry);
  if (!exported || exported.kind !== "function") {
    const functions = WebAssembly.Module.exports(module)
      .filter((e) => e.kind === "function")
      .map((e) => e.name);
    const found = exported ? `"${entry}" is exported as a ${exported.kind}, not a function` : `no export named "${entry}"`;
    problems.push({
      code: "missing_export",
      message: `${found}; the module exports the functions [${functions.join(", ")}]: export \`function ${entry}(): i32\` or set the tool's entry to one of those`,
    });
  }
  for (const memory of sections.memories) {
    const which = memory.imported ? `imported memory ${memory.module}.${memory.name}` : "memory";
    if (memory.maximum === null) {
      problems.push({
        code: "no_memory_maximum",
        message: `${which} has no declared maximum (initial ${memory.initial} pages): compile with \`asc --maximumMemory ${maxMemoryPages}\` (or another value ≤ the tool's maxMemoryPages, ${maxMemoryPages})`,
      });
    } else if (memory.maximum > maxMemoryPages) {
      problems.push({
        code: "memory_over_limit",
        message: `${which} declares a maximum of ${memory.maximum} pages, over the tool's maxMemoryPages ${maxMemoryPages}: compile with \`asc --maximumMemory ${maxMemoryPages}\` or raise the tool's limit`,
      });
    }
  }
  problems.push(...allocationProblems(sections));
  const refused = WebAssembly.Module.imports(module).filter(
    (i) =>
      !(
        i.kind === "function" &&
        ((i.module === "extism:host/env" && extismEnv.has(i.name)) ||
          (i.module === "extism:host/user" && caxtonHostFunctions.includes(i.name)))
      ),
  );
  if (refused.length > 0) {
    const named = refused.map((i) => `${i.module}.${i.name} (${i.kind})`).join(", ");
    problems.push({
      code: "unsupported_import",
      message:
        `unsupported imports: ${named}. A tool may import only Extism's kernel functions (extism:host/env) and Caxton's ` +
        `host functions (extism:host/user: ${caxtonHostFunctions.join(", ")}). env.abort: compile with ` +
        "`asc --use abort=<file>/<yourAbort>`; env.memory: drop `--importMemory`; for HTTP use extism:host/user.caxton_http " +
        "instead of Extism's http_request",
    });
  }
  return problems;
}

/** Tables, globals and functions: what instantiation allocates outside the module's memory. */
function allocationProblems({ tables, globals, functions }: WasmSections): ModuleProblem[] {
  const problems: ModuleProblem[] = [];
  const unbounded = tables.filter((t) => t.maximum === null);
  if (unbounded.length > 0) {
    const initials = unbounded.map((t) => t.initial).join(", ");
    problems.push({
      code: "no_table_maximum",
      message:
        `${unbounded.length === 1 ? "a table has" : `${unbounded.length} tables have`} no declared maximum (initial ${initials} entries), ` +
        "so the module could grow it to 10 million entries outside its memory limit: declare the table's maximum when building " +
        "the module (AssemblyScript does, unless the table is imported with `--importTable`)",
    });
  }
  const entries = tables.reduce((sum, t) => sum + (t.maximum ?? t.initial), 0);
  if (entries > MAX_TABLE_ENTRIES) {
    problems.push({
      code: "table_over_limit",
      message: `the module's ${tables.length} table(s) declare ${entries} entries in all, over the limit of ${MAX_TABLE_ENTRIES}: keep tables to the functions called indirectly`,
    });
  }
  if (globals > MAX_GLOBALS)
    problems.push({
      code: "too_many_globals",
      message: `the module defines ${globals} globals, over the limit of ${MAX_GLOBALS}: keep state in memory instead`,
    });
  if (functions > MAX_FUNCTIONS)
    problems.push({
      code: "too_many_functions",
      message: `the module defines ${functions} functions, over the limit of ${MAX_FUNCTIONS}: split the tool or build with optimisation`,
    });
  return problems;
}
