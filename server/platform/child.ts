import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";

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

export function startChild(name: string, command: string, args: string[], options: SpawnOptions): Child {
  const child = spawn(command, args, options);
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
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * Embedded services run in their own process group (so a terminal's Ctrl-C reaches only
 * web and worker, which still need them while draining). A pid file lets the next start
 * stop one left behind when the supervisor itself was killed.
 */
export function stopLeftover(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  if (pid > 0) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  rmSync(pidFile, { force: true });
}

export function writePid(pidFile: string, pid: number | undefined): void {
  if (pid) writeFileSync(pidFile, String(pid));
}
