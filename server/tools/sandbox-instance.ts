import { createLogger } from "../observability/logger";
import { MAX_MODULE_BYTES } from "./inspect";
import type { createSandbox } from "./sandbox/sandbox";

type Sandbox = ReturnType<typeof createSandbox>;

/**
 * The worker process's one sandbox, created on the first tool call: Extism and
 * isolated-vm are loaded only then, so a worker that runs no tools does not carry them.
 */
let instance: Promise<Sandbox> | undefined;

// Tool code running between calls is a breach like a timeout: count it against the version (the key).
const backgroundBreach = (tool: { key: string }) =>
  void import("./quarantine")
    .then((q) => q.recordBreach(tool.key, { kind: "timeout", limit: null, observed: null, message: "its code kept running after its call had returned, and its isolate was disposed" }))
    .catch((error: Error) => createLogger("sandbox").warn({ key: tool.key, err: error.message }, "recording a tool's breach failed"));

export const getSandbox = (): Promise<Sandbox> =>
  (instance ??= import("./sandbox/sandbox").then((m) => m.createSandbox({ logger: createLogger("sandbox"), maxModuleBytes: MAX_MODULE_BYTES, onJsBackgroundBreach: backgroundBreach })));

export async function closeSandbox(): Promise<void> {
  const sandbox = instance;
  instance = undefined;
  await (await sandbox)?.close();
}
