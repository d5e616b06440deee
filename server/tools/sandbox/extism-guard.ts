// Extism 2.0.0-rc13 instantiates a module inside a worker thread it creates without an 'error'
// listener. When instantiation fails there (an import it cannot resolve, a trap in the start
// function), Node re-emits the worker's error on the Worker object, and with no listener that
// is an uncaught exception: the whole worker process exits with code 1 (seen on 2.0.0-rc13). Extism
// gives us no handle on that Worker, so the only place to catch it is the process.
//
// The guard swallows an uncaught exception only when (1) at least one createPlugin is in
// flight and (2) its stack runs through Extism's inlined worker script (a
// `data:text/javascript;base64,` URL, which is how Extism ships its worker). createPlugin then
// rejects on its own ("timed out while waiting for plugin to instantiate"), and wasm-host.ts
// reports the swallowed message as the reason. Anything else is not ours: if other listeners
// exist (vitest, the worker's own handler) they decide; if we are alone we do what Node would
// have done, print it and exit 1, since installing a listener disables Node's default.

const workerUrlMarker = "data:text/javascript;base64,";

let installed = false;
let creating = 0;
let lastSwallowed: string | null = null;

function guard(error: unknown) {
  const stack = typeof (error as { stack?: unknown } | null)?.stack === "string" ? (error as { stack: string }).stack : "";
  if (creating > 0 && stack.includes(workerUrlMarker)) {
    // Never log the stack: it embeds the whole base64 worker script (~270 kB).
    lastSwallowed = String((error as { message?: unknown }).message ?? "instantiation failed").slice(0, 500);
    return;
  }
  if (process.listenerCount("uncaughtException") > 1) return;
  console.error(error);
  process.exit(1);
}

export function installExtismGuard() {
  if (installed) return;
  installed = true;
  process.on("uncaughtException", guard);
}

/**
 * Runs `create` (a createPlugin call) with the guard armed; on failure the error carries the
 * message of the worker error the guard swallowed meanwhile, if any (with several creations in
 * flight the message may belong to another one: it is a diagnostic hint, not an identity).
 */
export async function guardedCreate<T>(create: () => Promise<T>): Promise<T> {
  installExtismGuard();
  creating++;
  lastSwallowed = null;
  try {
    return await create();
  } catch (error) {
    const swallowed = lastSwallowed as string | null;
    const message = swallowed ?? String((error as { message?: unknown } | null)?.message ?? error);
    throw new Error(message);
  } finally {
    creating--;
  }
}
