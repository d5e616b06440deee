// Runs JS tools in isolated-vm 5.0.4 isolates: one warm isolate + context + entry function
// per tool.key (bounded, least recently used closed first). The tool sees only JavaScript's
// builtins: nothing from the host is ever put into its context, and the entry Reference stays
// on this side. Arguments and results cross by copy, so only data moves.
//
// What survives what (NOTES §4): a throw or a timeout leaves the isolate usable (V8 terminates
// the running script, not the isolate); hitting memoryLimit disposes the isolate, so it is
// recreated on the next call. memoryLimit is advisory against hostile code (2-3x, see
// PLATFORM-NOTES), which is one more reason this only ever runs in the worker process.
import ivm from "isolated-vm";
import type { Logger } from "../../observability/logger";
import type { Diagnostic, RunnableTool } from "./types";

export interface JsHostOptions {
  maxKeys?: number;
  logger?: Logger;
}

export type JsCallResult = { ok: true; output: unknown } | { ok: false; diagnostic: Diagnostic };

interface Warm {
  isolate: ivm.Isolate;
  entry: ivm.Reference<(input: unknown) => unknown>;
}

/** The isolate's heap in MB: the tool's pages of 64 KiB, at least isolated-vm's minimum of 8. */
export const jsMemoryLimitMb = (pages: number) => Math.max(8, Math.ceil((pages * 65_536) / 2 ** 20));

const messageOf = (error: unknown) => {
  if (error instanceof Error) return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`.split("\n")[0]!.slice(0, 300);
  return String((error as { message?: unknown } | null)?.message ?? error).slice(0, 300);
};

/** Plain JSON data only: what the output schema and the model can use. Returns the path of the first offender. */
export function nonJsonPath(value: unknown, path = "$", depth = 0): string | null {
  if (depth > 64) return `${path} (nested deeper than 64)`;
  if (value === null || typeof value === "string" || typeof value === "boolean") return null;
  if (typeof value === "number") return Number.isFinite(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nonJsonPath(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      const found = nonJsonPath(item, `${path}.${key}`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  return path;
}

export function createJsHost(options: JsHostOptions = {}) {
  const maxKeys = options.maxKeys ?? 64;
  const log = options.logger;
  const warm = new Map<string, Warm>();
  const counters = { created: 0, disposed: 0, failures: 0 };
  let closed = false;

  function dispose(key: string) {
    const entry = warm.get(key);
    if (!entry) return;
    warm.delete(key);
    counters.disposed++;
    entry.entry.release();
    if (!entry.isolate.isDisposed) entry.isolate.dispose();
  }

  // Concurrent first calls of one tool share one load, so no isolate is built twice and lost.
  const loading = new Map<string, Promise<Warm>>();
  function load(tool: RunnableTool): Promise<Warm> {
    let pending = loading.get(tool.key);
    if (!pending) {
      pending = loadOnce(tool).finally(() => loading.delete(tool.key));
      loading.set(tool.key, pending);
    }
    return pending;
  }

  async function loadOnce(tool: RunnableTool): Promise<Warm> {
    const existing = warm.get(tool.key);
    if (existing && !existing.isolate.isDisposed) {
      warm.delete(tool.key); // re-inserted: Map order is the LRU order
      warm.set(tool.key, existing);
      return existing;
    }
    if (existing) dispose(tool.key);
    const isolate = new ivm.Isolate({
      memoryLimit: jsMemoryLimitMb(tool.limits.maxMemoryPages),
      onCatastrophicError: (message) => log?.error({ tool: tool.name }, `isolated-vm catastrophic error: ${message}`),
    });
    try {
      const context = await isolate.createContext();
      const script = await isolate.compileScript(new TextDecoder().decode(tool.code), { filename: `${tool.name}.js` });
      await script.run(context, { timeout: tool.limits.timeoutMs });
      const entry = await context.global.get(tool.entry, { reference: true });
      if (entry.typeof !== "function") throw new Error(`no global function "${tool.entry}"`);
      const loaded = { isolate, entry: entry as ivm.Reference<(input: unknown) => unknown> };
      warm.set(tool.key, loaded);
      counters.created++;
      if (closed) {
        dispose(tool.key);
        throw new Error("the JS host was closed");
      }
      for (const key of warm.keys()) {
        if (warm.size <= maxKeys) break;
        dispose(key);
      }
      return loaded;
    } catch (error) {
      if (!isolate.isDisposed) isolate.dispose();
      throw error;
    }
  }

  async function call(tool: RunnableTool, input: unknown): Promise<JsCallResult> {
    if (closed) throw new Error("the JS host is closed");
    const { timeoutMs, maxMemoryPages } = tool.limits;
    const limitMb = jsMemoryLimitMb(maxMemoryPages);
    let loaded: Warm;
    try {
      loaded = await load(tool);
    } catch (error) {
      counters.failures++;
      const message = messageOf(error);
      return { ok: false, diagnostic: { kind: "trap", limit: null, observed: message, message: `the tool failed to load: ${message}` } };
    }
    const started = performance.now();
    try {
      const output = await loaded.entry.apply(undefined, [input], { arguments: { copy: true }, result: { copy: true }, timeout: timeoutMs });
      const bad = output === undefined ? "$ (undefined)" : nonJsonPath(output);
      if (bad) {
        counters.failures++;
        return { ok: false, diagnostic: { kind: "invalid_output", limit: null, observed: bad, message: `the tool returned something that is not JSON data at ${bad}: return plain objects, arrays, strings, finite numbers, booleans or null` } };
      }
      return { ok: true, output };
    } catch (error) {
      counters.failures++;
      const elapsed = Math.round(performance.now() - started);
      const message = messageOf(error);
      if (loaded.isolate.isDisposed || /memory limit/i.test(message)) {
        dispose(tool.key);
        return { ok: false, diagnostic: { kind: "memory", limit: maxMemoryPages, observed: message, message: `the tool exceeded its memory limit of ${limitMb} MB (${maxMemoryPages} pages) and was stopped` } };
      }
      if (/Script execution timed out/.test(message)) {
        return { ok: false, diagnostic: { kind: "timeout", limit: timeoutMs, observed: elapsed, message: `the tool ran longer than its ${timeoutMs} ms limit and was stopped after ${elapsed} ms` } };
      }
      if (/could not be cloned/.test(message)) {
        return { ok: false, diagnostic: { kind: "invalid_output", limit: null, observed: message, message: `the tool returned something that cannot leave the sandbox (${message}): return plain JSON data` } };
      }
      return { ok: false, diagnostic: { kind: "trap", limit: null, observed: message, message: `the tool threw: ${message}` } };
    }
  }

  return {
    call,
    stats: () => ({ isolates: warm.size, ...counters }),
    async close() {
      closed = true;
      for (const key of [...warm.keys()]) dispose(key);
    },
  };
}

export type JsHost = ReturnType<typeof createJsHost>;
