/**
 * How far one worker process's jobs have got, per queue: started vs finished and when the
 * running ones started. A worker can beat its heartbeat while every slot is stuck on a job
 * that never ends; these counts let health tell the difference.
 */
export interface QueueProgress {
  started: number;
  finished: number;
  running: number;
  /** Start times (ms since the epoch) of the oldest and the newest running job. */
  oldestStartedAt: number | null;
  newestStartedAt: number | null;
}

export interface WorkerProgress {
  /** Jobs each queue runs at once in this worker (its slots). */
  concurrency: number;
  queues: Record<string, QueueProgress>;
}

export function createProgress(concurrency: number) {
  const queues = new Map<string, { started: number; finished: number; running: Map<symbol, number> }>();
  return {
    /** Call when a job starts; call the returned function once when it ends, however it ends. */
    begin(queue: string, now = Date.now()): () => void {
      let entry = queues.get(queue);
      if (!entry) queues.set(queue, (entry = { started: 0, finished: 0, running: new Map() }));
      const job = Symbol(queue);
      entry.started += 1;
      entry.running.set(job, now);
      const counted = entry;
      return () => {
        if (counted.running.delete(job)) counted.finished += 1;
      };
    },
    /** Jobs started in all queues since the worker started, and those running now. */
    totals(): { started: number; running: number } {
      let started = 0;
      let running = 0;
      for (const entry of queues.values()) {
        started += entry.started;
        running += entry.running.size;
      }
      return { started, running };
    },
    snapshot(): WorkerProgress {
      const out: Record<string, QueueProgress> = {};
      for (const [queue, entry] of queues) {
        const times = [...entry.running.values()];
        out[queue] = {
          started: entry.started,
          finished: entry.finished,
          running: times.length,
          oldestStartedAt: times.length ? Math.min(...times) : null,
          newestStartedAt: times.length ? Math.max(...times) : null,
        };
      }
      return { concurrency, queues: out };
    },
  };
}

export type Progress = ReturnType<typeof createProgress>;

/** One queue of one worker whose every slot has held the same jobs for longer than `afterMs`. */
export interface StuckQueue {
  workerId: string;
  queue: string;
  slots: number;
  busyForMs: number;
  oldestRunningMs: number;
}

/**
 * Every slot busy and the newest running job older than `afterMs` means no job finished
 * (a finished job frees a slot, and the next one to start would be newer) for that long.
 */
export function stuckQueues(workerId: string, progress: WorkerProgress, afterMs: number, now = Date.now()): StuckQueue[] {
  const stuck: StuckQueue[] = [];
  for (const [queue, q] of Object.entries(progress.queues)) {
    if (q.running < progress.concurrency || q.newestStartedAt === null || q.oldestStartedAt === null) continue;
    const busyForMs = now - q.newestStartedAt;
    if (busyForMs > afterMs)
      stuck.push({ workerId, queue, slots: progress.concurrency, busyForMs, oldestRunningMs: now - q.oldestStartedAt });
  }
  return stuck;
}
