import path from "node:path";
import type { PushResult } from "../server/agents/agents";
import type { Problem } from "../server/agents/validate";
import { countErrors, formatProblem, formatPushResult, isAgentFileName, plural, problemsOf } from "./agent-files";
import { CliFailure } from "./errors";

/**
 * The core of `caxton dev`, without a watcher or a network: told which file names changed,
 * it waits for the burst of events a save makes to settle, reads the file, validates it
 * locally and pushes it only when valid, so a broken save never replaces the version that
 * works. cli/commands/dev.ts wires it to fs.watch and the API; tests drive it directly.
 */
export interface DevLoopOptions {
  dir: string;
  push(bytes: Uint8Array): Promise<PushResult>;
  validate(bytes: Uint8Array): { problems: Problem[] };
  print(text: string): void;
  read(file: string): Promise<Uint8Array>;
  /** Quiet time after the last event before a file is read (editors write in several steps). */
  debounceMs?: number;
  now?: () => number;
}

export interface DevLoop {
  /** A change event for a name in the folder; anything but an agent document is ignored. */
  changed(name: string): void;
  /** Processes these files now, one after another (the push at start). */
  processAll(names: string[]): Promise<void>;
  /** Resolves once no file is waiting or being processed. */
  idle(): Promise<void>;
  close(): void;
}

interface FileState {
  timer?: NodeJS.Timeout;
  /** When the first event of the burst being waited for arrived: the save, as the user sees it. */
  since?: number;
  /** The run in progress; a later burst chains after it, so one file is never pushed twice at once. */
  running?: Promise<void>;
  /** The bytes last read, so a repeated event for the same content is not pushed twice. */
  last?: string;
}

const sameBytes = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

export function createDevLoop(options: DevLoopOptions): DevLoop {
  const { dir, print, debounceMs = 25, now = () => performance.now() } = options;
  const files = new Map<string, FileState>();
  let closed = false;
  const stateOf = (name: string) => files.get(name) ?? files.set(name, {}).get(name)!;
  const display = (name: string) => path.join(dir, name);

  async function processFile(name: string, since: number, force: boolean): Promise<void> {
    const state = stateOf(name);
    const file = display(name);
    let bytes: Uint8Array;
    try {
      bytes = await options.read(path.join(dir, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      state.last = undefined;
      // A deleted file is not deleted on the server: that takes `caxton agent delete`, on purpose.
      if (code === "ENOENT") print(`${file}: removed; the agent stays on the server (\`caxton agent delete <name>\` removes it).`);
      else print(`${file}: error: cannot read: ${code === "EACCES" ? "permission denied" : (error as Error).message}`);
      return;
    }
    const key = sameBytes(bytes);
    if (!force && key === state.last) return;
    state.last = key;
    const { problems } = options.validate(bytes);
    const errors = countErrors(problems);
    if (errors) {
      print(
        `${problems.map((p) => formatProblem(file, p)).join("\n")}\n${file}: not pushed (${plural(errors, "error")}); the active version on the server is unchanged.`,
      );
      return;
    }
    try {
      const result = await options.push(bytes);
      print(formatPushResult(file, result, ` in ${Math.round(now() - since)} ms`));
    } catch (error) {
      if (!(error instanceof CliFailure)) throw error;
      const serverProblems = problemsOf(error.error);
      // The server refused what passed locally (e.g. a quota): say so, and retry on the next save.
      state.last = undefined;
      print(
        serverProblems
          ? serverProblems.map((p) => formatProblem(file, p)).join("\n")
          : `${file}: error: ${error.error.message}${error.error.hint ? `\n    ${error.error.hint}` : ""}`,
      );
    }
  }

  function run(name: string, force = false): Promise<void> {
    const state = stateOf(name);
    const since = state.since ?? now();
    state.since = undefined;
    const running = (state.running ?? Promise.resolve())
      .then(() => processFile(name, since, force))
      .catch((error: unknown) => print(`${display(name)}: error: ${(error as Error).message}`))
      .finally(() => {
        if (state.running === running) state.running = undefined;
      });
    state.running = running;
    return running;
  }

  return {
    changed(name) {
      if (closed || !isAgentFileName(name)) return;
      const state = stateOf(name);
      state.since ??= now();
      clearTimeout(state.timer);
      state.timer = setTimeout(() => {
        state.timer = undefined;
        if (!closed) void run(name);
      }, debounceMs);
    },
    async processAll(names) {
      for (const name of names.filter(isAgentFileName).sort()) await run(name, true);
    },
    async idle() {
      for (;;) {
        const busy = [...files.values()].filter((s) => s.timer || s.running);
        if (busy.length === 0) return;
        await Promise.all(busy.map((s) => s.running ?? new Promise((r) => setTimeout(r, debounceMs))));
      }
    },
    close() {
      closed = true;
      for (const state of files.values()) {
        clearTimeout(state.timer);
        state.timer = undefined;
      }
    },
  };
}
