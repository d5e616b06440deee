import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fromRoot } from "./paths";

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Child {
  name: string;
  process: ChildProcess;
  /** The exit code; 128 for a death by signal, 127 when it could not be started. */
  exited: Promise<number | null>;
  /** How it ended, for the log: the code or the signal that killed it. */
  ended: Promise<ChildExit>;
  /** SIGTERM, then SIGKILL after graceMs; resolves with the exit code. */
  stop(graceMs: number): Promise<number | null>;
}

/**
 * A detached child leads a process group of its own (see guarded()): signals go to the whole
 * group, so nothing it started is left behind.
 */
export function startChild(name: string, command: string, args: string[], options: SpawnOptions): Child {
  const child = spawn(command, args, options);
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (options.detached && child.pid) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  const ended = new Promise<ChildExit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", () => resolve({ code: 127, signal: null }));
  });
  const exited = ended.then(({ code, signal }) => code ?? (signal ? 128 : null));
  return {
    name,
    process: child,
    exited,
    ended,
    async stop(graceMs) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * The command line that runs an embedded service under service-guard.mjs, which stops it
 * `graceMs` after the supervisor is gone (a supervisor killed with SIGKILL cannot stop it).
 */
export function guarded(command: string, args: string[], graceMs: number): [string, string[]] {
  return [process.execPath, [fromRoot("server/platform/service-guard.mjs"), String(graceMs), "--", command, ...args]];
}

/**
 * Embedded services run in their own process group (so a terminal's Ctrl-C reaches only
 * web and worker, which still need them while draining). A pid file (of the group) lets the
 * next start stop one left behind.
 */
export function stopLeftover(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  if (pid > 0) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  rmSync(pidFile, { force: true });
}

export function writePid(pidFile: string, pid: number | undefined): void {
  if (pid) writeFileSync(pidFile, String(pid));
}
