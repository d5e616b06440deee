/**
 * Watches the worker process's resident memory. Sandboxes, isolates and caches can leave a
 * long-lived worker holding more memory than it needs (native allocations the V8 heap limit
 * does not see); past the limit the worker is better replaced than left to the OOM killer,
 * which would take its in-flight jobs down with it.
 *
 * `over` fires once, on the first sample past the limit taken after the worker has started
 * at least one job: a worker that is over the limit while idle is as big as a fresh one would
 * be, so replacing it would only loop.
 */
export interface RssWatchOptions {
  limitMb: number;
  intervalMs: number;
  /** Jobs this process has started so far. */
  jobsStarted: () => number;
  over: (rssMb: number) => void;
  /** Resident set size in bytes (tests pass their own). */
  sample?: () => number;
}

export const toMb = (bytes: number) => Math.round(bytes / 2 ** 20);

export function watchRss({ limitMb, intervalMs, jobsStarted, over, sample = () => process.memoryUsage.rss() }: RssWatchOptions) {
  let fired = false;
  const check = () => {
    if (fired || jobsStarted() === 0) return;
    const rssMb = toMb(sample());
    if (rssMb <= limitMb) return;
    fired = true;
    clearInterval(timer);
    over(rssMb);
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return {
    check,
    stop: () => clearInterval(timer),
  };
}

/** Exit code of a worker replaced for its memory (EX_TEMPFAIL: start another one). */
export const RSS_EXIT_CODE = 75;
