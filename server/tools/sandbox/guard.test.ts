import { spawnSync } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFixture } from "./fixtures";

const probe = path.join(import.meta.dirname, "guard-probe.ts");
const runProbe = (mode: string) => spawnSync(process.execPath, ["--import", "tsx", probe, mode], { encoding: "utf8", timeout: 30_000 });

// In a child process: vitest's own uncaughtException listener would report the (swallowed)
// worker error as a failure of this file, and the point is the real process's fate.
describe("the Extism worker-error guard", () => {
  beforeAll(async () => {
    await Promise.all([compileFixture("tools"), compileFixture("tools", { importAbort: true }), compileFixture("starttrap")]);
  });

  it("keeps the process alive through an unresolvable import and a trapping start function; after close() it exits by itself", () => {
    const result = runProbe("bad-import");
    // The probe never calls process.exit: status 0 (not a spawnSync timeout) means close()
    // left no worker thread or timer holding the event loop open.
    expect(result.status, result.stderr.slice(0, 2000)).toBe(0);
    const line = result.stdout.trim().split("\n").pop()!;
    const { bad, trap, good } = JSON.parse(line);
    expect(bad).toMatchObject({ ok: false, diagnostic: { kind: "trap" } });
    expect(bad.diagnostic.message).toMatch(/failed to start: .*cannot resolve import "env" "abort"/);
    expect(trap.diagnostic.message).toMatch(/failed to start: .*out of bounds/);
    expect(good).toEqual({ ok: true, output: '{"still":"alive"}' });
    expect(result.stderr).not.toMatch(/base64/); // the 270 kB worker stack never reaches a log
  });

  it("still lets any other uncaught exception end the process", () => {
    const result = runProbe("other-error");
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/an ordinary bug elsewhere/);
    expect(result.stdout).not.toMatch(/survived/);
  });
});
