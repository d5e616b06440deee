// Runs wasm tools with Extism 2.0.0-rc13, each plugin in its own worker thread. Warm plugins
// are pooled per tool.key; a plugin serves one call at a time (Extism plugins are not
// reentrant), and after ANY failure it is closed and dropped, because Extism leaves failed
// plugins in bad states: a trap keeps the module's heap as it was, a host-side throw wedges
// it for good (seen on @extism/extism 2.0.0-rc13). A fresh plugin costs ~30 ms; a warm call ~0.3 ms.
//
// Timeouts are ours alone. Extism's own call timeout restarts the worker and races that
// restart against the same timeoutMs; with a short timeout (20 ms) the restart loses and the
// new worker is orphaned, alive forever, holding the process open (verified on rc13). So
// Extism gets a timeoutMs only to bound instantiation, and after creation its per-call
// timeout is switched off; our deadline closes the plugin, which terminates the worker
// thread however the wasm is spinning.
//
// A warm plugin is reset after every call. Extism's background (runInWorker) plugin never
// resets its CallContext between calls, on either side of the thread boundary (only the
// foreground plugin does, since https://github.com/extism/js-sdk/pull/80): the input block
// the host stores and the output block the guest allocates stay in the block list for the
// plugin's life. Every call then walks that list (exporting state, summing it against
// maxPages), so a call's cost grows with the calls before it; the list counts against
// maxPages, so large inputs exhaust it within tens of calls; and a block's index lives in
// the top 16 bits of a signed i64 address, so block 32,768 (the 16,384th call at two blocks
// a call) has a negative address and output_set fails with "cannot assign to this block".
// plugin.reset() drops the blocks in the worker and the host (vars survive, as in libextism).
import createPlugin, { type Plugin } from "@extism/extism";
import type { Logger } from "../../observability/logger";
import { caxtonHttp, type HttpCallState } from "./caxton-http";
import { guardedCreate } from "./extism-guard";
import { DEFAULT_MAX_OUTPUT_BYTES, outputTooLarge } from "./output-limit";
import type { Diagnostic, RunnableTool } from "./types";

export interface WasmHostOptions {
  /** Warm plugins kept per tool.key, and the most that run at once for one tool. */
  instancesPerKey?: number;
  /** Tool keys kept warm; the least recently used beyond this are closed. */
  maxKeys?: number;
  /** Bound on instantiation (a start function that loops is cut off here). */
  instantiateTimeoutMs?: number;
  maxHttpResponseBytes?: number;
  /** Largest output a call may return; past it the call ends as output_too_large, undecoded. */
  maxOutputBytes?: number;
  logger?: Logger;
}

export type WasmCallResult = { ok: true; output: string } | { ok: false; diagnostic: Diagnostic };

interface KeyPool {
  idle: Plugin[];
  live: number;
  waiters: ((plugin: Plugin | null) => void)[];
}

/** Extism keeps its options on the plugin object; `timeoutMs: null` disables its call timer. */
type PluginWithOptions = Plugin & { opts?: { timeoutMs?: number | null } };

export function errorMessage(error: unknown): string {
  // Worker errors may be plain objects whose originalStack is ~270 kB: read only `message`.
  const raw = error && typeof error === "object" && "message" in error ? String((error as { message: unknown }).message) : String(error);
  const firstLine = raw.split("\n")[0] ?? "";
  return firstLine.length > 300 ? `${firstLine.slice(0, 300)}…` : firstLine;
}

export function classifyWasmError(message: string, tool: RunnableTool): Diagnostic {
  const pages = tool.limits.maxMemoryPages;
  if (/out of bounds|out of memory|memory limit|could not grow|failed to grow/i.test(message)) {
    return {
      kind: "memory",
      limit: pages,
      observed: message,
      message: `the tool ran out of memory or accessed memory out of bounds (${message}); its memory is capped at ${pages} pages (${pages * 64} KiB)`,
    };
  }
  const reported = /^Plugin-originated error: (.*)$/s.exec(message);
  if (reported) return { kind: "trap", limit: null, observed: reported[1] ?? "", message: `the tool reported an error: ${reported[1]}` };
  const hint =
    message === "unreachable"
      ? ` (an AssemblyScript module also ends this way when its memory cannot grow past its declared maximum, at most ${pages} pages)`
      : "";
  return { kind: "trap", limit: null, observed: message, message: `the tool trapped: ${message}${hint}` };
}

export function createWasmHost(options: WasmHostOptions = {}) {
  const instancesPerKey = options.instancesPerKey ?? 2;
  const maxKeys = options.maxKeys ?? 32;
  const instantiateTimeoutMs = options.instantiateTimeoutMs ?? 2_000;
  const maxHttpResponseBytes = options.maxHttpResponseBytes ?? 1 << 20;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const log = options.logger;
  const pools = new Map<string, KeyPool>();
  const allPlugins = new Set<Plugin>();
  const counters = { created: 0, closed: 0, failures: 0 };
  let closed = false;

  // Extism logs through this (e.g. "Plugin will hang"); one short line, never a stack.
  const extismLogger = Object.fromEntries(
    ["trace", "debug", "info", "warn", "error", "log"].map((level) => [
      level,
      (...args: unknown[]) => log?.warn({ extism: level }, errorMessage(args[0])),
    ]),
  ) as unknown as Console;

  async function create(tool: RunnableTool): Promise<Plugin> {
    const plugin = await guardedCreate(() =>
      createPlugin(
        { wasm: [{ data: tool.code }] },
        {
          runInWorker: true,
          useWasi: false,
          timeoutMs: instantiateTimeoutMs,
          memory: { maxPages: tool.limits.maxMemoryPages, maxHttpResponseBytes, maxVarBytes: 1 << 16 },
          allowedHosts: [],
          functions: { "extism:host/user": { caxton_http: caxtonHttp } },
          logLevel: "error",
          logger: extismLogger,
        },
      ),
    );
    const internal = (plugin as PluginWithOptions).opts;
    if (!internal || !("timeoutMs" in internal)) {
      await plugin.close();
      throw new Error("@extism/extism no longer keeps `opts` on its plugin: review wasm-host.ts before upgrading");
    }
    internal.timeoutMs = null;
    counters.created++;
    allPlugins.add(plugin);
    return plugin;
  }

  function discard(plugin: Plugin) {
    if (!allPlugins.delete(plugin)) return;
    counters.closed++;
    plugin.close().catch((error: unknown) => log?.warn({ error: errorMessage(error) }, "closing a wasm plugin failed"));
  }

  function poolFor(key: string): KeyPool {
    let pool = pools.get(key);
    if (pool) pools.delete(key); // re-inserted below: Map order is the LRU order
    pool ??= { idle: [], live: 0, waiters: [] };
    pools.set(key, pool);
    for (const [oldKey, old] of pools) {
      if (pools.size <= maxKeys) break;
      if (old === pool || old.live > old.idle.length || old.waiters.length > 0) continue; // busy: keep
      old.idle.forEach(discard);
      pools.delete(oldKey);
    }
    return pool;
  }

  async function acquire(tool: RunnableTool, pool: KeyPool): Promise<Plugin> {
    for (;;) {
      if (closed) throw new Error("the wasm host was closed");
      const idle = pool.idle.pop();
      if (idle) return idle;
      if (pool.live < instancesPerKey) {
        pool.live++;
        try {
          return await create(tool);
        } catch (error) {
          pool.live--;
          pool.waiters.shift()?.(null);
          throw error;
        }
      }
      const handed = await new Promise<Plugin | null>((resolve) => pool.waiters.push(resolve));
      if (handed) return handed;
    }
  }

  function release(pool: KeyPool, plugin: Plugin, healthy: boolean) {
    if (healthy && !closed) {
      const waiter = pool.waiters.shift();
      if (waiter) waiter(plugin);
      else pool.idle.push(plugin);
      return;
    }
    pool.live--;
    discard(plugin);
    pool.waiters.shift()?.(null); // a slot is free: the next caller creates a fresh plugin
  }

  async function call(tool: RunnableTool, input: string): Promise<WasmCallResult> {
    if (closed) throw new Error("the wasm host is closed");
    const pool = poolFor(tool.key);
    let plugin: Plugin;
    try {
      plugin = await acquire(tool, pool);
    } catch (error) {
      counters.failures++;
      const message = errorMessage(error);
      return { ok: false, diagnostic: { kind: "trap", limit: null, observed: message, message: `the module failed to start: ${message}` } };
    }
    const { timeoutMs, allowedHosts } = tool.limits;
    const started = performance.now();
    const state: HttpCallState = { allowedHosts, deadline: started + timeoutMs, maxResponseBytes: maxHttpResponseBytes, denied: [] };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    let reusable = false;
    let failed = true;
    try {
      const settled = await Promise.race([
        plugin.call(tool.entry, input, state).then(
          (output) => ({ output }),
          (error: unknown) => ({ error }),
        ),
        deadline,
      ]);
      const elapsed = Math.round(performance.now() - started);
      if (settled === "timeout") {
        return {
          ok: false,
          diagnostic: {
            kind: "timeout",
            limit: timeoutMs,
            observed: elapsed,
            message: `the tool ran longer than its ${timeoutMs} ms limit and was stopped after ${elapsed} ms`,
          },
        };
      }
      if (state.denied.length > 0) {
        const hosts = [...new Set(state.denied)];
        return {
          ok: false,
          diagnostic: {
            kind: "host_denied",
            limit: JSON.stringify(allowedHosts),
            observed: hosts.join(", "),
            message: `the tool tried to reach ${hosts.join(", ")}, which is not in its allowedHosts ${JSON.stringify(allowedHosts)}: add the host to the tool's limits if it should be reachable`,
          },
        };
      }
      if ("error" in settled) return { ok: false, diagnostic: classifyWasmError(errorMessage(settled.error), tool) };
      // The output is a copy (PluginOutput over a sliced buffer), so it outlives the reset.
      // A plugin whose reset fails or does not answer in time is not pooled again.
      reusable = (await Promise.race([plugin.reset().catch(() => false), deadline])) === true;
      const bytes = settled.output?.arrayBuffer().byteLength ?? 0;
      if (bytes > maxOutputBytes) return { ok: false, diagnostic: outputTooLarge(maxOutputBytes, bytes) };
      failed = false;
      return { ok: true, output: settled.output?.text() ?? "" };
    } finally {
      clearTimeout(timer);
      if (failed) counters.failures++;
      release(pool, plugin, reusable);
    }
  }

  return {
    call,
    stats() {
      let idle = 0;
      for (const pool of pools.values()) idle += pool.idle.length;
      return { keys: pools.size, livePlugins: allPlugins.size, idlePlugins: idle, ...counters };
    },
    async close() {
      closed = true;
      for (const pool of pools.values()) for (const waiter of pool.waiters.splice(0)) waiter(null);
      pools.clear();
      const plugins = [...allPlugins];
      allPlugins.clear();
      counters.closed += plugins.length;
      await Promise.all(plugins.map((plugin) => plugin.close().catch(() => undefined)));
    },
  };
}

export type WasmHost = ReturnType<typeof createWasmHost>;
