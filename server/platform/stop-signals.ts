/** The signals that stop a Caxton process: a terminal's Ctrl-C, a process manager's stop, a closed terminal. */
export const stopSignals: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];

/**
 * Runs `stop` once on the first stop signal or loss of the supervisor (IPC disconnect: do
 * not linger as an orphan), then exits 0. Later signals are ignored while the first stop
 * drains.
 */
export function onStopSignals(stop: (reason: string) => Promise<void>): void {
  let stopping = false;
  const handle = (reason: string) => {
    if (stopping) return;
    stopping = true;
    stop(reason).then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`shutdown failed: ${(error as Error).stack ?? error}\n`);
        process.exit(1);
      },
    );
  };
  for (const signal of stopSignals) process.on(signal, () => handle(signal));
  process.on("disconnect", () => handle("supervisor gone"));
}

/**
 * Calls `onGone` once when this process's parent exits (it is then re-parented, so its
 * ppid changes). A wrapper that dies without passing the signal on (the `sh -c` npm runs a
 * script in, a process manager killed with SIGKILL) must not leave Caxton running.
 */
export function watchParent(onGone: () => void, everyMs = 250): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
