import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestEnvironment } from "../../test/support/env";
import { currentMinuteCount, hit } from "./rate-limit";

// The windows are calendar minutes of the clock handed in, so these cases pin the clock
// instead of waiting for a minute to begin.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
beforeAll(async () => {
  environment = await useTestEnvironment("rate_limit");
});
afterAll(async () => {
  await environment?.cleanup();
});

const minute = 29_000_000 * 60_000; // some calendar minute, far from now

describe("per-minute rate windows", () => {
  it("counts hits within one minute and refuses past the limit, with the seconds left as Retry-After", async () => {
    const decisions = [];
    for (const at of [0, 10_000, 20_000, 59_100]) decisions.push(await hit("subject:a", 3, minute + at));
    expect(decisions.map((d) => [d.allowed, d.count])).toEqual([
      [true, 1],
      [true, 2],
      [true, 3],
      [false, 4],
    ]);
    expect(decisions.map((d) => d.retryAfterS)).toEqual([60, 50, 40, 1]);
    expect(await currentMinuteCount("subject:a", minute + 30_000)).toBe(4);
  });

  it("starts again at the next minute, even one millisecond later", async () => {
    for (let i = 0; i < 3; i++) await hit("subject:b", 3, minute + 59_999);
    expect((await hit("subject:b", 3, minute + 59_999)).allowed).toBe(false);
    const next = await hit("subject:b", 3, minute + 60_000);
    expect(next).toEqual({ allowed: true, count: 1, limit: 3, retryAfterS: 60 });
  });

  it("keeps subjects apart", async () => {
    for (let i = 0; i < 4; i++) await hit("subject:c", 3, minute);
    expect((await hit("subject:d", 3, minute)).count).toBe(1);
  });
});
