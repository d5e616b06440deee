/**
 * When the supervisor starts a dead child again. The first restart is quick (a killed worker
 * should be back within a couple of seconds), each further one within the window waits twice
 * as long, and past `maxRestarts` in `windowMs` it waits until the oldest restart leaves the
 * window: a child that keeps dying is retried at that pace for as long as Caxton runs, never
 * in a tight loop, and never given up on (so a transient cause heals by itself).
 */
export interface RestartPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  maxRestarts: number;
  windowMs: number;
}

export const defaultRestartPolicy: RestartPolicy = { baseDelayMs: 100, maxDelayMs: 10_000, maxRestarts: 5, windowMs: 60_000 };

export interface RestartDecision {
  delayMs: number;
  /** Restarts inside the window before this one. */
  recent: number;
  /** True when the window's budget is spent and this restart waits for it. */
  throttled: boolean;
}

/** `history`: start times of earlier restarts (ms), oldest first. */
export function nextRestart(history: readonly number[], now: number, policy: RestartPolicy = defaultRestartPolicy): RestartDecision {
  const inWindow = history.filter((at) => at > now - policy.windowMs);
  if (inWindow.length >= policy.maxRestarts) {
    const oldest = inWindow[inWindow.length - policy.maxRestarts]!;
    return { delayMs: Math.max(policy.baseDelayMs, oldest + policy.windowMs - now), recent: inWindow.length, throttled: true };
  }
  const delayMs = Math.min(policy.baseDelayMs * 2 ** inWindow.length, policy.maxDelayMs);
  return { delayMs, recent: inWindow.length, throttled: false };
}
