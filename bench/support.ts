// Helpers the benches share: figures next to their budgets, and a platform started as users start it.
import { spawn, type ChildProcess } from "node:child_process";
import { fromRoot } from "../server/platform/paths";
import { freePort } from "../server/platform/ports";

/** The middle sample (the upper one of an even count, as bench/startup.ts always reported). */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Nearest-rank percentile: the smallest value with at least p% of the samples at or below it. */
export function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Prints each figure as it is measured, `ok` or `OVER` its budget; summary() counts them. */
export function createReport() {
  const rows: { ok: boolean }[] = [];
  return {
    report(name: string, value: string, budget: string, ok: boolean, note?: string) {
      rows.push({ ok });
      console.log(`${ok ? "ok  " : "OVER"}  ${name.padEnd(44)} ${value.padStart(10)}   budget ${budget}${note ? `   (${note})` : ""}`);
    },
    summary() {
      const over = rows.filter((r) => !r.ok).length;
      console.log(`\n${rows.length - over} within budget, ${over} over budget`);
    },
  };
}

export interface Started {
  child: ChildProcess;
  url: string;
  ms: number;
  stop(): Promise<void>;
}

/** Runs `npm start` (or `command`) in its own process group and times it until /api/health answers 200. */
export async function startUntilHealthy(env: Record<string, string | undefined>, command = ["npm", "start", "--silent"]): Promise<Started> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    cwd: fromRoot(),
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: "warn", CAXTON_CONFIG: "", CAXTON_HEARTBEAT_MS: "200" },
    stdio: "ignore",
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/api/health`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("the platform did not become healthy within 60 s");
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - started;
  return {
    child,
    url,
    ms,
    async stop() {
      process.kill(-child.pid!, "SIGTERM");
      await exited;
    },
  };
}
