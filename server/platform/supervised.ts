import type { Logger } from "../observability/logger";
import type { Child, ChildExit } from "./child";
import { defaultRestartPolicy, nextRestart, type RestartPolicy } from "./restart-policy";

/**
 * The exit code (EX_TEMPFAIL) a worker uses to ask for a fresh process after it drained on
 * purpose (e.g. its memory passed a limit): replaced like a crash, but logged as a plan.
 */
export const REPLACE_ME_EXIT_CODE = 75;

/** What the supervisor knows about one of its processes; health shows it. */
export interface ProcessState {
  name: string;
  status: "starting" | "running" | "restarting" | "stopped";
  pid: number | null;
  /** Restarts since Caxton started. */
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: string; reason: string } | null;
  /** When the next start is due while status is "restarting" (ISO 8601). */
  nextStartAt: string | null;
  /** The restart budget of the window is spent: restarts wait for it (see restart-policy.ts). */
  throttled: boolean;
}

export interface SupervisedOptions {
  name: string;
  spawn: () => Child;
  /** Resolves once a new child is ready for work; rejects when it exits first. */
  ready: (child: Child) => Promise<unknown>;
  logger: Logger;
  policy?: RestartPolicy;
  onChange?: (state: ProcessState) => void;
}

export function describeExit({ code, signal }: ChildExit): string {
  if (signal) return `was killed by ${signal}`;
  if (code === REPLACE_ME_EXIT_CODE) return `asked to be replaced (exit ${code})`;
  return `exited with code ${code}`;
}

/**
 * Keeps one child process running: after it was ready once, a child that exits while Caxton
 * is not stopping is started again under the restart policy, each time logged with why.
 * (Before it was ready, an exit is a start-up failure and the caller's to report.)
 */
export function supervise(options: SupervisedOptions) {
  const { name, logger } = options;
  const policy = options.policy ?? defaultRestartPolicy;
  const history: number[] = [];
  const state: ProcessState = { name, status: "starting", pid: null, restarts: 0, lastExit: null, nextStartAt: null, throttled: false };
  let current: Child | undefined;
  let armed = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const changed = () => options.onChange?.({ ...state });

  function launch(): Child {
    const child = options.spawn();
    current = child;
    state.pid = child.process.pid ?? null;
    void child.ended.then((exit) => onExit(child, exit));
    return child;
  }

  function onExit(child: Child, exit: ChildExit) {
    if (stopped || !armed || child !== current) return;
    const now = Date.now();
    const decision = nextRestart(history, now, policy);
    history.push(now + decision.delayMs);
    history.splice(0, Math.max(0, history.length - policy.maxRestarts));
    const reason = describeExit(exit);
    Object.assign(state, {
      status: "restarting",
      pid: null,
      lastExit: { code: exit.code, signal: exit.signal, at: new Date(now).toISOString(), reason },
      nextStartAt: new Date(now + decision.delayMs).toISOString(),
      throttled: decision.throttled,
    });
    const fields = {
      event: "process exited",
      process: name,
      code: exit.code,
      signal: exit.signal,
      restartInMs: decision.delayMs,
      recentRestarts: decision.recent,
    };
    if (decision.throttled) {
      logger.error(
        fields,
        `${name} ${reason}; it restarted ${decision.recent} times in ${policy.windowMs / 1000} s, so the next start waits ${Math.round(decision.delayMs / 1000)} s (Caxton stays up, degraded)`,
      );
    } else if (exit.code === REPLACE_ME_EXIT_CODE) {
      logger.warn(fields, `${name} ${reason}; starting a new one`);
    } else {
      logger.error(fields, `${name} ${reason}; restarting it in ${decision.delayMs} ms`);
    }
    changed();
    timer = setTimeout(() => void restart(now), decision.delayMs);
  }

  async function restart(exitedAt: number) {
    if (stopped) return;
    state.restarts += 1;
    state.status = "starting";
    const child = launch();
    changed();
    try {
      await options.ready(child);
    } catch {
      return; // it exited before it was ready: onExit schedules the next attempt
    }
    if (stopped || child !== current) return;
    Object.assign(state, { status: "running", nextStartAt: null, throttled: false });
    logger.info(
      { event: "process restarted", process: name, pid: state.pid, downMs: Date.now() - exitedAt, restarts: state.restarts },
      `${name} is back (pid ${state.pid})`,
    );
    changed();
  }

  return {
    state: () => ({ ...state }),
    current: () => current,
    /** Starts the first child and waits until it is ready; from then on it is kept running. */
    async start(): Promise<Child> {
      const child = launch();
      changed();
      await options.ready(child);
      if (!stopped && child === current) {
        armed = true;
        state.status = "running";
        changed();
      }
      return child;
    },
    /** Takes over a child that was started and found ready elsewhere; from then on it is kept running. */
    adopt(child: Child): void {
      current = child;
      state.pid = child.process.pid ?? null;
      void child.ended.then((exit) => onExit(child, exit));
      armed = true;
      state.status = "running";
      changed();
    },
    async stop(graceMs: number): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      state.status = "stopped";
      if (current) await current.stop(graceMs);
    },
  };
}

export type Supervised = ReturnType<typeof supervise>;
