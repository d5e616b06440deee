import { describe, expect, it } from "vitest";
import { createProgress, stuckQueues } from "./progress";

describe("worker progress", () => {
  it("counts started, finished and running jobs per queue, with the running ones' start times", () => {
    const progress = createProgress(2);
    const endA = progress.begin("messages", 1_000);
    progress.begin("messages", 2_000);
    const endC = progress.begin("tools", 3_000);
    endA();
    endA(); // a second end of the same job counts once
    endC();
    expect(progress.snapshot()).toEqual({
      concurrency: 2,
      queues: {
        messages: { started: 2, finished: 1, running: 1, oldestStartedAt: 2_000, newestStartedAt: 2_000 },
        tools: { started: 1, finished: 1, running: 0, oldestStartedAt: null, newestStartedAt: null },
      },
    });
  });

  it("sums every queue for the memory watch (jobs started, jobs running)", () => {
    const progress = createProgress(4);
    const end = progress.begin("messages");
    progress.begin("tools");
    end();
    expect(progress.totals()).toEqual({ started: 2, running: 1 });
  });

  it("calls a queue stuck only when every slot has held the same jobs past the threshold", () => {
    const progress = createProgress(2);
    progress.begin("messages", 0);
    expect(stuckQueues("w1", progress.snapshot(), 1_000, 10_000)).toEqual([]); // a slot is free
    progress.begin("messages", 9_500);
    expect(stuckQueues("w1", progress.snapshot(), 1_000, 10_000)).toEqual([]); // a job started 0.5 s ago
    expect(stuckQueues("w1", progress.snapshot(), 1_000, 11_000)).toEqual([
      { workerId: "w1", queue: "messages", slots: 2, busyForMs: 1_500, oldestRunningMs: 11_000 },
    ]);
  });
});
