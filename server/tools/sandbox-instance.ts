import { getConfig } from "../config/load";
import { createLogger } from "../observability/logger";
import { MAX_MODULE_BYTES } from "./inspect";
import type { createSandbox } from "./sandbox/sandbox";

type Sandbox = ReturnType<typeof createSandbox>;

/**
 * The worker process's one sandbox, created on the first tool call: Extism and
 * isolated-vm are loaded only then, so a worker that runs no tools does not carry them.
 */
let instance: Promise<Sandbox> | undefined;

export const getSandbox = (): Promise<Sandbox> =>
  (instance ??= import("./sandbox/sandbox").then((m) => m.createSandbox({ logger: createLogger("sandbox"), maxModuleBytes: MAX_MODULE_BYTES, maxOutputBytes: getConfig().toolMaxOutputBytes })));

export async function closeSandbox(): Promise<void> {
  const sandbox = instance;
  instance = undefined;
  await (await sandbox)?.close();
}
