import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../observability/logger";
import { startChild, type Child } from "./child";
import { supervise, type ProcessState } from "./supervised";

/** A real child process that reports ready over IPC, then exits with `code` after `afterMs`. */
const spawnExiting = (code: number, afterMs: number) => () =>
  startChild("worker", process.execPath, ["-e", `process.send({ event: "ready" }); setTimeout(() => process.exit(${code}), ${afterMs})`], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
const ready = (child: Child) =>
  new Promise<void>((resolve, reject) => {
    child.process.once("message", () => resolve());
    void child.exited.then(() => reject(new Error("exited before ready")));
  });

function capture() {
  const lines: { level: number; msg: string; event?: string }[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).trim().split("\n")) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger("supervisor", { level: "info", format: "json", destination }) };
}

describe("a supervised process", () => {
  it("is restarted each time it dies, each restart logged, and paced once the window's budget is spent", async () => {
    const { lines, logger } = capture();
    const states: ProcessState[] = [];
    const supervised = supervise({
      name: "worker",
      logger,
      spawn: spawnExiting(3, 20),
      ready,
      policy: { baseDelayMs: 10, maxDelayMs: 50, maxRestarts: 3, windowMs: 60_000 },
      onChange: (state) => states.push(state),
    });
    try {
      await supervised.start();
      await expect.poll(() => supervised.state().throttled, { timeout: 20_000, interval: 50 }).toBe(true);
      const state = supervised.state();
      expect(state).toMatchObject({ status: "restarting", restarts: 3, lastExit: { code: 3, signal: null, reason: "exited with code 3" } });
      // The fourth start waits for the window (a minute), not a tight loop.
      expect(Date.parse(state.nextStartAt!) - Date.now()).toBeGreaterThan(30_000);
      const exits = lines.filter((l) => l.event === "process exited");
      expect(exits).toHaveLength(4);
      expect(exits.every((l) => l.level === 50)).toBe(true);
      expect(exits.at(-1)!.msg).toContain("Caxton stays up, degraded");
      expect(lines.filter((l) => l.event === "process restarted")).toHaveLength(3);
      expect(states.some((s) => s.status === "restarting")).toBe(true);
    } finally {
      await supervised.stop(1_000);
    }
    expect(supervised.state().status).toBe("stopped");
  }, 30_000);

  it("replaces a worker that asks for it (exit 75) with a warning, not an error", async () => {
    const { lines, logger } = capture();
    const supervised = supervise({ name: "worker", logger, spawn: spawnExiting(75, 50), ready });
    try {
      await supervised.start();
      await expect.poll(() => supervised.state().restarts, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(1);
      const exit = lines.find((l) => l.event === "process exited")!;
      expect(exit.level).toBe(40);
      expect(exit.msg).toBe("worker asked to be replaced (exit 75); starting a new one");
    } finally {
      await supervised.stop(1_000);
    }
  }, 20_000);

  it("is not restarted once stopping", async () => {
    const { lines, logger } = capture();
    const supervised = supervise({ name: "worker", logger, spawn: spawnExiting(0, 60_000), ready });
    await supervised.start();
    await supervised.stop(1_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(lines.filter((l) => l.event === "process exited")).toEqual([]);
    expect(supervised.state()).toMatchObject({ status: "stopped", restarts: 0 });
  });
});
