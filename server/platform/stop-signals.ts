/**
 * Runs `stop` once on the first SIGTERM, SIGINT or loss of the supervisor (IPC
 * disconnect: do not linger as an orphan), then exits 0. Later signals are ignored while
 * the first stop drains.
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
  process.on("SIGTERM", () => handle("SIGTERM"));
  process.on("SIGINT", () => handle("SIGINT"));
  process.on("disconnect", () => handle("supervisor gone"));
}
