import { existsSync, linkSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

export class AlreadyRunningError extends Error {
  constructor(
    readonly pid: number,
    readonly url: string,
    dataDir: string,
  ) {
    super(
      `Caxton is already running on this data dir (pid ${pid}, url ${url}); stop it first or use another CAXTON_DATA_DIR.\n` +
        `  data dir: ${path.resolve(dataDir)}`,
    );
    this.name = "AlreadyRunningError";
  }
}

interface LockContent {
  pid: number;
  url: string;
  startedAt: string;
}

const lockFile = (dataDir: string) => path.join(dataDir, "caxton.lock");

/**
 * True when `pid` is a live process that can be a Caxton supervisor. A pid recorded by a
 * supervisor that died may since belong to another program (or, in a restarted container,
 * to this very process), so on Linux its command line must still say `serve`.
 */
function isLiveSupervisor(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes("serve");
  } catch {
    return true; // no /proc (macOS): liveness is all we can tell
  }
}

/**
 * One supervisor per data dir: two would share (and the second one's start-up would kill)
 * the embedded database. The lock is created exclusively; a lock whose owner is gone is
 * stale and taken over. Throws AlreadyRunningError naming the running one.
 */
export function acquireDataDirLock(dataDir: string, url: string): () => void {
  const file = lockFile(dataDir);
  const content: LockContent = { pid: process.pid, url, startedAt: new Date().toISOString() };
  // Written aside, then linked into place: link() fails when the lock exists, and a lock
  // that exists is always complete (two starts at once cannot read each other's half).
  const draft = `${file}.${process.pid}`;
  writeFileSync(draft, JSON.stringify(content), { mode: 0o600 });
  for (let attempt = 0; ; attempt++) {
    try {
      linkSync(draft, file);
      rmSync(draft, { force: true });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 2) {
        rmSync(draft, { force: true });
        throw error;
      }
    }
    let held: Partial<LockContent> = {};
    try {
      held = JSON.parse(readFileSync(file, "utf8")) as Partial<LockContent>;
    } catch {
      // unreadable (not written by a supervisor): stale
    }
    if (held.pid && isLiveSupervisor(held.pid)) {
      rmSync(draft, { force: true });
      throw new AlreadyRunningError(held.pid, held.url ?? "unknown", dataDir);
    }
    rmSync(file, { force: true });
  }
  return () => {
    try {
      const held = JSON.parse(readFileSync(file, "utf8")) as Partial<LockContent>;
      if (held.pid === process.pid) rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
}
