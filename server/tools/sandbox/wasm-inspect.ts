// Checks an uploaded tool before it ever runs. For wasm this matters beyond tidiness: Extism
// instantiates the module in a worker, and an import it cannot resolve (env.abort, env.memory,
// an unknown host function) makes that worker emit an 'error' that crashes the host process
// (see wasm-host.ts). And Extism's `memory.maxPages` caps only its own blocks, not the
// module's linear memory: only the module's declared maximum does, so it must be declared.
import type { ModuleProblem } from "./types";

export interface WasmMemory {
  imported: boolean;
  module?: string;
  name?: string;
  initial: number;
  maximum: number | null;
  shared: boolean;
  memory64: boolean;
}

/**
 * Every memory a module declares or imports, with its limits. WebAssembly.Module.imports()
 * carries no limits (only behind --experimental-wasm-type-reflection), so the import (2) and
 * memory (5) sections are read directly. Throws on bytes that are not a wasm 1.0 module.
 */
export function wasmMemories(bytes: Uint8Array): WasmMemory[] {
  const b = bytes;
  if (b.length < 8 || b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) throw new Error("not a wasm module (bad magic)");
  if (b[4] !== 1 || b[5] || b[6] || b[7]) throw new Error("unsupported wasm version (a component?)");
  let p = 8;
  const byte = () => {
    const x = b[p++];
    if (x === undefined) throw new Error("truncated module");
    return x;
  };
  const u32 = () => {
    let result = 0;
    let shift = 0;
    let x: number;
    do {
      x = byte();
      result += (x & 0x7f) * 2 ** shift;
      shift += 7;
    } while (x & 0x80);
    return result;
  };
  const name = () => {
    const n = u32();
    const s = new TextDecoder().decode(b.subarray(p, p + n));
    p += n;
    return s;
  };
  const limits = () => {
    const flags = u32();
    const initial = u32();
    const maximum = flags & 1 ? u32() : null;
    return { initial, maximum, shared: !!(flags & 2), memory64: !!(flags & 4) };
  };
  const out: WasmMemory[] = [];
  while (p < b.length) {
    const id = byte();
    const size = u32();
    const end = p + size;
    if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        const module = name();
        const field = name();
        const kind = byte();
        if (kind === 0) u32(); // function: type index
        else if (kind === 1) {
          byte(); // table: reftype + limits
          limits();
        }
        else if (kind === 2) out.push({ imported: true, module, name: field, ...limits() });
        else if (kind === 3) p += 2; // global: valtype + mutability
        else if (kind === 4) {
          byte(); // tag: attribute + type index
          u32();
        }
        else throw new Error(`unknown import kind ${kind}`);
      }
    } else if (id === 5) {
      for (let n = u32(); n > 0; n--) out.push({ imported: false, ...limits() });
    }
    p = end;
  }
  return out;
}

/** Extism's kernel functions (extism:host/env in 2.0.0-rc13's CallContext), minus its own HTTP. */
const extismEnv = new Set(
  "alloc free load_u8 load_u64 store_u8 store_u64 input_offset input_length input_load_u8 input_load_u64 output_set error_set error_get config_get var_get var_set length length_unsafe get_log_level log_trace log_debug log_info log_warn log_error".split(
    " ",
  ),
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
    return [{ code: "too_large", message: `the module is ${bytes.length} bytes, over the limit of ${maxBytes}: build it with optimisation (\`asc -O\`) or split the tool` }];
  }
  let module: WebAssembly.Module;
  let memories: WasmMemory[];
  try {
    module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    memories = wasmMemories(bytes);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return [{ code: "not_wasm", message: `not a WebAssembly module (${why}): upload the .wasm file your compiler wrote, not its source or a text (.wat) file` }];
  }
  const problems: ModuleProblem[] = [];
  const exported = WebAssembly.Module.exports(module).find((e) => e.name === entry);
  if (!exported || exported.kind !== "function") {
    const functions = WebAssembly.Module.exports(module).filter((e) => e.kind === "function").map((e) => e.name);
    const found = exported ? `"${entry}" is exported as a ${exported.kind}, not a function` : `no export named "${entry}"`;
    problems.push({ code: "missing_export", message: `${found}; the module exports the functions [${functions.join(", ")}]: export \`function ${entry}(): i32\` or set the tool's entry to one of those` });
  }
  for (const memory of memories) {
    const which = memory.imported ? `imported memory ${memory.module}.${memory.name}` : "memory";
    if (memory.maximum === null) {
      problems.push({ code: "no_memory_maximum", message: `${which} has no declared maximum (initial ${memory.initial} pages): compile with \`asc --maximumMemory ${maxMemoryPages}\` (or another value ≤ the tool's maxMemoryPages, ${maxMemoryPages})` });
    } else if (memory.maximum > maxMemoryPages) {
      problems.push({ code: "memory_over_limit", message: `${which} declares a maximum of ${memory.maximum} pages, over the tool's maxMemoryPages ${maxMemoryPages}: compile with \`asc --maximumMemory ${maxMemoryPages}\` or raise the tool's limit` });
    }
  }
  const refused = WebAssembly.Module.imports(module).filter(
    (i) => !(i.kind === "function" && ((i.module === "extism:host/env" && extismEnv.has(i.name)) || (i.module === "extism:host/user" && caxtonHostFunctions.includes(i.name)))),
  );
  if (refused.length > 0) {
    const named = refused.map((i) => `${i.module}.${i.name} (${i.kind})`).join(", ");
    problems.push({
      code: "unsupported_import",
      message: `unsupported imports: ${named}. A tool may import only Extism's kernel functions (extism:host/env) and Caxton's host functions (extism:host/user: ${caxtonHostFunctions.join(", ")}). env.abort: compile with \`asc --use abort=<file>/<yourAbort>\`; env.memory: drop \`--importMemory\`; for HTTP use extism:host/user.caxton_http instead of Extism's http_request`,
    });
  }
  return problems;
}

