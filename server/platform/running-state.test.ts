import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireDataDirLock, AlreadyRunningError } from "./running-state";

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** A live process whose command line has `args` (e.g. "serve", as a supervisor's has). */
function live(...args: string[]): number {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", ...args], { stdio: "ignore" });
  children.push(child);
  return child.pid!;
}

const lockIn = (dir: string, pid: number) =>
  writeFileSync(path.join(dir, "caxton.lock"), JSON.stringify({ pid, url: "http://localhost:9999", startedAt: new Date().toISOString() }));

describe("the data dir lock", () => {
  it("is refused to a second owner while a supervisor holds it, and left as it was", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "caxton-lock-unit-"));
    const supervisor = live("serve");
    lockIn(dir, supervisor);
    const error = (() => {
      try {
        acquireDataDirLock(dir, "http://localhost:1");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AlreadyRunningError);
    expect((error as Error).message).toContain(`Caxton is already running on this data dir (pid ${supervisor}, url http://localhost:9999)`);
    expect(JSON.parse(readFileSync(path.join(dir, "caxton.lock"), "utf8")).pid).toBe(supervisor); // untouched
    expect(readFileSync(path.join(dir, "caxton.lock"), "utf8")).not.toContain(String(process.pid));
  });

  it("takes over a stale lock (its pid dead, alive but no supervisor, or our own), and is removed on release", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "caxton-lock-unit-"));
    for (const stale of [2 ** 22 + 1, live("something-else"), process.pid]) {
      lockIn(dir, stale);
      const release = acquireDataDirLock(dir, "http://localhost:2");
      expect(JSON.parse(readFileSync(path.join(dir, "caxton.lock"), "utf8"))).toMatchObject({
        pid: process.pid,
        url: "http://localhost:2",
      });
      release();
      expect(existsSync(path.join(dir, "caxton.lock"))).toBe(false);
    }
    writeFileSync(path.join(dir, "caxton.lock"), "");
    acquireDataDirLock(dir, "http://localhost:3")();
  });
});
