import { describe, expect, it } from "vitest";
import { watchRss } from "./rss-watch";

// The sampling itself, driven by hand (check()) so no timing is involved.
describe("watchRss", () => {
  const mb = (n: number) => n * 2 ** 20;

  function watch(rssMb: number[], jobs: number[]) {
    const fired: number[] = [];
    let i = 0;
    const w = watchRss({
      limitMb: 100,
      intervalMs: 60_000,
      jobsStarted: () => jobs[Math.min(i, jobs.length - 1)]!,
      sample: () => mb(rssMb[Math.min(i, rssMb.length - 1)]!),
      over: (rss) => fired.push(rss),
    });
    const step = () => {
      w.check();
      i++;
    };
    return { fired, step, stop: w.stop };
  }

  it("fires once, on the first sample over the limit", () => {
    const w = watch([90, 100, 150, 200], [1, 1, 1, 1]);
    for (let n = 0; n < 4; n++) w.step();
    expect(w.fired).toEqual([150]);
    w.stop();
  });

  it("does not fire while the worker has taken no job: a fresh one would be as big", () => {
    const w = watch([150, 150, 150], [0, 0, 2]);
    w.step();
    w.step();
    expect(w.fired).toEqual([]);
    w.step();
    expect(w.fired).toEqual([150]);
    w.stop();
  });
});
