import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestEnvironment } from "../../test/support/env";
import { admit, breakerState, recordFailure, recordSuccess } from "./breaker";

// Against the real Redis: the breaker's state is what every worker shares.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
beforeAll(async () => {
  environment = await useTestEnvironment("breaker");
});
afterAll(async () => {
  await environment?.cleanup();
});

const policy = { failures: 3, windowMs: 10_000, coolDownMs: 150 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the circuit breaker", () => {
  it("opens after N failures in the window and refuses turns while open", async () => {
    for (let i = 0; i < 2; i++) await recordFailure("agent-a", "a", policy);
    expect(await breakerState("agent-a")).toBe("closed");
    await recordFailure("agent-a", "a", policy);
    expect(await breakerState("agent-a")).toBe("open");
    expect(await admit("agent-a", policy)).toEqual({ admitted: false, state: "open" });
  });

  it("half-opens after the cool-down with one trial turn; a success closes it", async () => {
    await sleep(policy.coolDownMs + 50);
    expect(await breakerState("agent-a")).toBe("half-open");
    expect(await admit("agent-a", policy)).toEqual({ admitted: true, state: "half-open" });
    expect(await admit("agent-a", policy)).toEqual({ admitted: false, state: "half-open" });
    await recordSuccess("agent-a", "a");
    expect(await breakerState("agent-a")).toBe("closed");
    expect((await admit("agent-a", policy)).admitted).toBe(true);
  });

  it("a failed trial opens it again at once", async () => {
    for (let i = 0; i < 3; i++) await recordFailure("agent-b", "b", policy);
    await sleep(policy.coolDownMs + 50);
    expect((await admit("agent-b", policy)).admitted).toBe(true);
    await recordFailure("agent-b", "b", policy);
    expect(await breakerState("agent-b")).toBe("open");
  });

  it("a success clears earlier failures", async () => {
    await recordFailure("agent-c", "c", policy);
    await recordFailure("agent-c", "c", policy);
    await recordSuccess("agent-c", "c");
    await recordFailure("agent-c", "c", policy);
    await recordFailure("agent-c", "c", policy);
    expect(await breakerState("agent-c")).toBe("closed");
  });
});
