import { describe, expect, it } from "vitest";
import { nextRestart, type RestartPolicy } from "./restart-policy";

const policy: RestartPolicy = { baseDelayMs: 100, maxDelayMs: 1_000, maxRestarts: 3, windowMs: 60_000 };

describe("the restart policy", () => {
  it("restarts quickly first, then backs off exponentially up to the cap", () => {
    const now = 1_000_000;
    expect(nextRestart([], now, policy)).toEqual({ delayMs: 100, recent: 0, throttled: false });
    expect(nextRestart([now - 10], now, policy).delayMs).toBe(200);
    expect(nextRestart([now - 20, now - 10], now, policy).delayMs).toBe(400);
    expect(nextRestart([now - 20, now - 10], now, { ...policy, maxDelayMs: 300 }).delayMs).toBe(300);
  });

  it("past the budget of the window, waits until the oldest restart leaves it", () => {
    const now = 1_000_000;
    const decision = nextRestart([now - 50_000, now - 20_000, now - 10_000], now, policy);
    expect(decision).toEqual({ delayMs: 10_000, recent: 3, throttled: true });
  });

  it("forgets restarts older than the window, so a child that ran well starts fast again", () => {
    const now = 1_000_000;
    expect(nextRestart([now - 70_000, now - 65_000, now - 61_000], now, policy)).toEqual({ delayMs: 100, recent: 0, throttled: false });
  });
});
