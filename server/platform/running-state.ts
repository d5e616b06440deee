import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * What a running `caxton serve` tells other local commands: the addresses of its embedded
 * services (random loopback ports), so `caxton admin ...` can reach the embedded database
 * without DATABASE_URL. Written 0600 in the data dir while running, removed on stop.
 */
export interface RunningState {
  pid: number;
  url: string;
  databaseUrl: string;
  redisUrl: string;
}

const file = (dataDir: string) => path.join(dataDir, "running.json");

export function writeRunningState(dataDir: string, state: RunningState): void {
  writeFileSync(file(dataDir), JSON.stringify(state), { mode: 0o600 });
}

export function clearRunningState(dataDir: string): void {
  rmSync(file(dataDir), { force: true });
}

/** The state of a server that is still alive, or null. */
export function readRunningState(dataDir: string): RunningState | null {
  if (!existsSync(file(dataDir))) return null;
  try {
    const state = JSON.parse(readFileSync(file(dataDir), "utf8")) as RunningState;
    process.kill(state.pid, 0); // throws when no such process
    return state;
  } catch {
    return null;
  }
}
