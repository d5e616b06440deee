// Runs JS tools in isolated-vm 5.0.4 isolates: one warm isolate + context per tool.key (bounded,
// least recently used closed first), calls of one key one at a time. The tool sees only
// JavaScript's builtins; nothing from the host is put into its context, and only primitive
// strings cross the boundary, both ways (js-prelude.ts says why and how).
//
// Every call is bounded twice: isolated-vm's timeout inside, and a wall-clock watchdog here
// (deadline + grace) that disposes the isolate if the call has still not come back. A breached
// deadline, a memory-limit hit or tool code found running between calls disposes the isolate:
// the next call gets a fresh one, and nothing the tool left behind survives.
// memoryLimit is advisory against hostile code (hostile code was measured passing it 2-3x), which is one more
// reason this only ever runs in the worker process.
import ivm from "isolated-vm";
import type { Logger } from "../../observability/logger";
import { preludeSource } from "./js-prelude";
import type { Diagnostic, RunnableTool } from "./types";

export interface JsHostOptions {
  maxKeys?: number;
  logger?: Logger;
  /** Added to a call's timeoutMs before the watchdog disposes its isolate. */
  graceMs?: number;
  /** How often idle isolates are checked for code running between calls. */
  idleCheckMs?: number;
  /** Tests only: leave the globals the prelude removes, to show the idle check catches what they would run. */
  keepRiskyGlobals?: boolean;
  /** Tool code found running between calls: its isolate has been disposed. */
  onBackgroundBreach?: (tool: Pick<RunnableTool, "key" | "name">) => void;
}

export type JsCallResult = { ok: true; output: unknown } | { ok: false; diagnostic: Diagnostic };

type Dispatch = ivm.Reference<(op: "load" | "call", payload: string) => string>;

interface Warm {
  isolate: ivm.Isolate;
  dispatch: Dispatch;
  tool: Pick<RunnableTool, "key" | "name">;
  /** A load or call is inside: neither evicted nor checked for idle CPU. */
  busy: boolean;
  /** isolate.cpuTime when it last came back from a load or call. */
  idleCpu: bigint;
}

/** The isolate's heap in MB: the tool's pages of 64 KiB, at least isolated-vm's minimum of 8. */
export const jsMemoryLimitMb = (pages: number) => Math.max(8, Math.ceil((pages * 65_536) / 2 ** 20));

/**
 * Share of the time between two checks an idle isolate may spend on CPU before it counts as
 * tool code running: an idle isolate uses next to none, spinning code close to all of it (less
 * when many threads share the cores).
 */
const IDLE_CPU_SHARE = 0.2;

const firstLine = (text: string) => text.split("\n")[0]!.slice(0, 300);
const hostMessage = (error: unknown) => firstLine(error instanceof Error ? error.message : String(error));

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

const invalidOutput = (observed: string, message: string): JsCallResult => ({
  ok: false,
  diagnostic: { kind: "invalid_output", limit: null, observed, message },
});

export function createJsHost(options: JsHostOptions = {}) {
  const maxKeys = options.maxKeys ?? 64;
  const graceMs = options.graceMs ?? 500;
  const log = options.logger;
  const warm = new Map<string, Warm>();
  const counters = { created: 0, disposed: 0, failures: 0, breaches: 0, watchdogKills: 0, backgroundKills: 0 };
  let closed = false;
  let idleTimer: NodeJS.Timeout | undefined;

  function dispose(key: string) {
    const entry = warm.get(key);
    if (!entry) return;
    warm.delete(key);
    counters.disposed++;
    entry.dispatch.release();
    if (!entry.isolate.isDisposed) entry.isolate.dispose();
  }

  // Between calls no tool code should run; if an isolate's CPU time still moves, something the
  // tool left behind escaped every deadline: end it.
  const idleCheckMs = options.idleCheckMs ?? 1_000;
  const idleSlackNs = BigInt(Math.round(idleCheckMs * IDLE_CPU_SHARE * 1e6));
  function checkIdle() {
    for (const [key, entry] of warm) {
      if (entry.busy || entry.isolate.isDisposed) continue;
      const cpu = entry.isolate.cpuTime;
      // Measured per check, so small housekeeping over hours never adds up to a kill.
      if (cpu - entry.idleCpu <= idleSlackNs) {
        entry.idleCpu = cpu;
        continue;
      }
      counters.backgroundKills++;
      log?.warn({ tool: entry.tool.name, key }, "JS tool code ran between calls; its isolate was disposed");
      dispose(key);
      options.onBackgroundBreach?.(entry.tool);
    }
  }

  // One call per key at a time, so a call's deadline starts when it starts running.
  const lanes = new Map<string, Promise<unknown>>();
  function inLane<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = (lanes.get(key) ?? Promise.resolve()).then(work);
    const tail = running.catch(() => {});
    lanes.set(key, tail);
    void tail.then(() => lanes.get(key) === tail && lanes.delete(key));
    return running;
  }

  type Answer = { answer: string } | { timedOut: true; byWatchdog: boolean; elapsedMs: number } | { thrown: string; disposed: boolean };

  /** One trip into the isolate: bounded by its timeout and, should that fail, the watchdog. */
  async function enter(entry: Warm, op: "load" | "call", payload: string, timeoutMs: number): Promise<Answer> {
    let watchdog: NodeJS.Timeout | undefined;
    const started = performance.now();
    const elapsedMs = () => Math.round(performance.now() - started);
    const expired = new Promise<"expired">((resolve) => (watchdog = setTimeout(() => resolve("expired"), timeoutMs + graceMs)));
    const trip = entry.dispatch.apply(undefined, [op, payload], { timeout: timeoutMs });
    // Settles late (or never) when the watchdog wins: only stop it becoming unhandled.
    trip.catch(() => {});
    try {
      const result = await Promise.race([trip, expired]);
      if (result === "expired") {
        counters.watchdogKills++;
        log?.warn(
          { tool: entry.tool.name, key: entry.tool.key, timeoutMs },
          "JS tool did not stop at its deadline; its isolate was disposed",
        );
        if (warm.get(entry.tool.key) === entry) dispose(entry.tool.key);
        else if (!entry.isolate.isDisposed) entry.isolate.dispose();
        return { timedOut: true, byWatchdog: true, elapsedMs: elapsedMs() };
      }
      if (typeof result !== "string") return { thrown: `the sandbox answered a ${typeof result}`, disposed: false };
      return { answer: result };
    } catch (error) {
      const message = hostMessage(error);
      if (/Script execution timed out/.test(message)) return { timedOut: true, byWatchdog: false, elapsedMs: elapsedMs() };
      return { thrown: message, disposed: entry.isolate.isDisposed || /memory limit/i.test(message) };
    } finally {
      clearTimeout(watchdog);
    }
  }

  async function load(tool: RunnableTool): Promise<Warm | JsCallResult> {
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
    let entry: Warm;
    try {
      const context = await isolate.createContext();
      const prelude = await isolate.compileScript(preludeSource(tool.entry, { keepRiskyGlobals: options.keepRiskyGlobals }), {
        filename: "caxton-prelude.js",
      });
      const dispatch = (await prelude.run(context, { timeout: 1_000, reference: true })) as Dispatch;
      entry = { isolate, dispatch, tool: { key: tool.key, name: tool.name }, busy: true, idleCpu: 0n };
    } catch (error) {
      if (!isolate.isDisposed) isolate.dispose();
      throw error;
    }
    // Closed while this isolate was being made: nothing may run in it (a process that exits
    // under a running isolate dies of SIGSEGV).
    if (closed) {
      isolate.dispose();
      throw new Error("the JS host was closed");
    }
    warm.set(tool.key, entry);
    counters.created++;
    idleTimer ??= setInterval(checkIdle, idleCheckMs).unref();
    for (const key of warm.keys()) {
      if (warm.size <= maxKeys) break;
      if (key !== tool.key && !warm.get(key)!.busy) dispose(key);
    }
    const answer = await enter(entry, "load", new TextDecoder().decode(tool.code), tool.limits.timeoutMs);
    if ("answer" in answer && answer.answer === "o") return Object.assign(entry, { busy: false, idleCpu: isolate.cpuTime });
    dispose(tool.key);
    return failure(tool, answer, "load");
  }

  function failure(tool: RunnableTool, answer: Answer, phase: "load" | "call"): JsCallResult {
    counters.failures++;
    const { timeoutMs, maxMemoryPages } = tool.limits;
    const what = phase === "load" ? "the tool's top level" : "the tool";
    if ("timedOut" in answer) {
      counters.breaches++;
      const how = answer.byWatchdog
        ? `did not stop at its ${timeoutMs} ms limit and was killed after ${answer.elapsedMs} ms`
        : `ran longer than its ${timeoutMs} ms limit and was stopped after ${answer.elapsedMs} ms`;
      return {
        ok: false,
        diagnostic: {
          kind: "timeout",
          limit: timeoutMs,
          observed: answer.elapsedMs,
          message: `${what} ${how}; its isolate was disposed (the next call starts fresh)`,
        },
      };
    }
    if ("thrown" in answer) {
      if (answer.disposed) {
        counters.breaches++;
        const limitMb = jsMemoryLimitMb(maxMemoryPages);
        return {
          ok: false,
          diagnostic: {
            kind: "memory",
            limit: maxMemoryPages,
            observed: answer.thrown,
            message: `${what} exceeded its memory limit of ${limitMb} MB (${maxMemoryPages} pages) and was stopped`,
          },
        };
      }
      return {
        ok: false,
        diagnostic: {
          kind: "trap",
          limit: null,
          observed: answer.thrown,
          message: `the sandbox failed while running ${what}: ${answer.thrown}`,
        },
      };
    }
    const [code, rest] = [answer.answer[0], firstLine(answer.answer.slice(1))];
    if (code === "e") {
      const message = phase === "load" ? `the tool failed to load: ${rest}` : `the tool threw: ${rest}`;
      return { ok: false, diagnostic: { kind: "trap", limit: null, observed: rest, message } };
    }
    if (code === "u")
      return invalidOutput(
        "$ (undefined)",
        "the tool returned nothing (undefined): return plain objects, arrays, strings, finite numbers, booleans or null",
      );
    if (code === "p")
      return invalidOutput(
        "$ (Promise)",
        "the tool returned a Promise or a thenable: JS tools are synchronous, so return the value itself (no async function)",
      );
    if (code === "j")
      return invalidOutput(
        rest,
        `the tool returned something that is not JSON data at ${rest}: return plain objects, arrays, strings, finite numbers, booleans or null`,
      );
    return {
      ok: false,
      diagnostic: { kind: "trap", limit: null, observed: rest, message: `the sandbox gave an answer it does not know (${code})` },
    };
  }

  async function call(tool: RunnableTool, input: unknown): Promise<JsCallResult> {
    if (closed) throw new Error("the JS host is closed");
    return inLane(tool.key, async () => {
      // Calls that waited for this tool's lane do not start once the host is closed.
      if (closed) throw new Error("the JS host is closed");
      let loaded: Warm | JsCallResult;
      try {
        loaded = await load(tool);
      } catch (error) {
        if (closed) throw error;
        counters.failures++;
        const message = hostMessage(error);
        return { ok: false, diagnostic: { kind: "trap", limit: null, observed: message, message: `the tool failed to load: ${message}` } };
      }
      if ("ok" in loaded) return loaded;
      loaded.busy = true;
      const answer = await enter(loaded, "call", JSON.stringify(input ?? null), tool.limits.timeoutMs);
      const result = "answer" in answer && answer.answer[0] === "o" ? parseOutput(answer.answer) : failure(tool, answer, "call");
      // A breached deadline or a memory hit leaves nothing of the tool running.
      if (!result.ok && (result.diagnostic.kind === "timeout" || result.diagnostic.kind === "memory")) dispose(tool.key);
      else if (!loaded.isolate.isDisposed) Object.assign(loaded, { busy: false, idleCpu: loaded.isolate.cpuTime });
      return result;
    });
  }

  function parseOutput(answer: string): JsCallResult {
    try {
      return { ok: true, output: JSON.parse(answer.slice(1)) as unknown };
    } catch {
      return invalidOutput(answer.slice(1, 81), "the tool's output could not be read back as JSON");
    }
  }

  return {
    call,
    stats: () => ({ isolates: warm.size, ...counters }),
    async close() {
      closed = true;
      clearInterval(idleTimer);
      for (const key of [...warm.keys()]) dispose(key);
    },
  };
}

export type JsHost = ReturnType<typeof createJsHost>;
