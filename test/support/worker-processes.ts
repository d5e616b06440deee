import { spawn, type ChildProcess } from "node:child_process";
import { fromRoot } from "../../server/platform/paths";

/**
 * Worker processes from dist/ (the production build) against a test environment, for suites
 * that kill workers on purpose; killAll() ends whatever is left when the suite is done.
 */
export function workerProcesses(env: () => Record<string, string>) {
  const started: ChildProcess[] = [];
  return {
    /** Resolves once the worker says it is ready (its first IPC message). */
    start(): Promise<ChildProcess> {
      const child = spawn(process.execPath, [fromRoot("dist/worker.mjs")], {
        env: { ...process.env, ...env(), LOG_LEVEL: "warn" },
        stdio: ["ignore", "ignore", "inherit", "ipc"],
      });
      started.push(child);
      return new Promise((resolve, reject) => {
        child.once("message", () => resolve(child));
        child.once("exit", (code) => reject(new Error(`the worker exited with ${code} before it was ready`)));
      });
    },
    killAll() {
      for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
