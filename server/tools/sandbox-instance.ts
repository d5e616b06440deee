import { getConfig } from "../config/load";
import { createLogger } from "../observability/logger";
import { MAX_MODULE_BYTES } from "./inspect";
import { countBreach } from "./unfinished-runs";
import type { createSandbox } from "./sandbox/sandbox";

type Sandbox = ReturnType<typeof createSandbox>;

/**
 * The worker process's one sandbox, created on the first tool call: Extism and
 * isolated-vm are loaded only then, so a worker that runs no tools does not carry them.
 */
let instance: Promise<Sandbox> | undefined;
let abandoned = false;

/** The workspace of each version this worker has run (the sandbox knows a tool by its key, the version id). */
const owners = new Map<string, string>();
export function noteVersionOwner(versionId: string, workspaceId: string) {
  if (owners.size >= 2_000) owners.delete(owners.keys().next().value!);
  owners.set(versionId, workspaceId);
}

// Tool code running between calls is a breach like a timeout: count it against the version (the key).
const backgroundBreach = (tool: { key: string }) => {
  const workspaceId = owners.get(tool.key);
  if (!workspaceId) return;
  void countBreach(workspaceId, tool.key, {
    kind: "timeout",
    limit: null,
    observed: null,
    message: "its code kept running after its call had returned, and its isolate was disposed",
  });
};

export const getSandbox = (): Promise<Sandbox> =>
  (instance ??= import("./sandbox/sandbox").then((m) =>
    m.createSandbox({
      logger: createLogger("sandbox"),
      maxModuleBytes: MAX_MODULE_BYTES,
      maxOutputBytes: getConfig().toolMaxOutputBytes,
      onJsBackgroundBreach: backgroundBreach,
    }),
  ));

export async function closeSandbox(): Promise<void> {
  const sandbox = instance;
  instance = undefined;
  await (await sandbox)?.close();
}

/**
 * Ends the calls still running when a worker leaves before they finish (its shutdown timeout
 * passed): the isolates and plugin threads must be gone before the process exits (isolated-vm
 * crashes the process with SIGSEGV when it exits under a running isolate), and the calls'
 * results must not be recorded, since the isolate's disposal reads as a `memory` failure the
 * tool never had. runVersion throws instead, and the job runs again on another worker.
 */
export async function abandonSandbox(): Promise<void> {
  abandoned = true;
  await closeSandbox();
}

export const sandboxAbandoned = () => abandoned;
