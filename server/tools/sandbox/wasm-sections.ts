// Reads what a wasm module will allocate when instantiated, straight from its sections:
// memories and tables with their limits, and how many functions and globals it defines.
// WebAssembly.Module.imports()/exports() carry no limits (only behind
// --experimental-wasm-type-reflection), so the import (2), function (3), table (4),
// memory (5) and global (6) sections are read directly.

export interface WasmLimits {
  imported: boolean;
  module?: string;
  name?: string;
  initial: number;
  maximum: number | null;
}

export interface WasmMemory extends WasmLimits {
  shared: boolean;
  memory64: boolean;
}

export type WasmTable = WasmLimits;

export interface WasmSections {
  memories: WasmMemory[];
  tables: WasmTable[];
  /** Functions the module defines (not imported ones). */
  functions: number;
  /** Globals the module defines (not imported ones). */
  globals: number;
}

/** Throws on bytes that are not a wasm 1.0 module, or on a section it cannot read. */
export function readWasmSections(bytes: Uint8Array): WasmSections {
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
  const tableType = () => {
    // A table with an initializer expression (function-references) starts 0x40 0x00.
    if (b[p] === 0x40) throw new Error("a table with an initializer expression is not supported");
    byte(); // reftype
    const { initial, maximum } = limits();
    return { initial, maximum };
  };
  const out: WasmSections = { memories: [], tables: [], functions: 0, globals: 0 };
  while (p < b.length) {
    const id = byte();
    const size = u32();
    const end = p + size;
    if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        const module = name();
        const field = name();
        const kind = byte();
        if (kind === 0)
          u32(); // function: type index
        else if (kind === 1) out.tables.push({ imported: true, module, name: field, ...tableType() });
        else if (kind === 2) out.memories.push({ imported: true, module, name: field, ...limits() });
        else if (kind === 3)
          p += 2; // global: valtype + mutability
        else if (kind === 4) {
          byte(); // tag: attribute + type index
          u32();
        } else throw new Error(`unknown import kind ${kind}`);
      }
    } else if (id === 3) {
      out.functions = u32();
    } else if (id === 4) {
      for (let n = u32(); n > 0; n--) out.tables.push({ imported: false, ...tableType() });
    } else if (id === 5) {
      for (let n = u32(); n > 0; n--) out.memories.push({ imported: false, ...limits() });
    } else if (id === 6) {
      out.globals = u32();
    }
    p = end;
  }
  return out;
}
