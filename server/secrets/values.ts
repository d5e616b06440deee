import { onIndexForgotten } from "../routing/index-cache";
import { createRedactor, rememberSecretValues, type Redactor } from "./redact";
import { readWorkspaceSecretValues } from "./secrets";

/**
 * A workspace's redactor (its decrypted secret values) at hand in the worker: built on first
 * use, kept like the workspace index (dropped when a secret is set or deleted anywhere, see
 * setSecret, and after a bounded age), so storing a reply costs no query.
 */
const MAX_AGE_MS = 30_000;

const redactors = new Map<string, { redactor: Promise<Redactor>; values: Promise<Set<string>>; builtAt: number }>();

onIndexForgotten((workspaceId) => redactors.delete(workspaceId));

function entryOf(workspaceId: string, now: number) {
  const cached = redactors.get(workspaceId);
  if (cached && now - cached.builtAt < MAX_AGE_MS) return cached;
  const values = readWorkspaceSecretValues(workspaceId).then((list) => {
    rememberSecretValues(list);
    return new Set(list);
  });
  const entry = { values, redactor: values.then((set) => createRedactor(set)), builtAt: now };
  redactors.set(workspaceId, entry);
  values.catch(() => redactors.delete(workspaceId));
  return entry;
}

/** Scrubs text of this workspace's secret values and of anything shaped like a credential. */
export function workspaceRedactor(workspaceId: string, now = Date.now()): Promise<Redactor> {
  return entryOf(workspaceId, now).redactor;
}

/**
 * A value a turn just opened: when the cached set does not have it (an announcement missed),
 * the cache is stale and is rebuilt, so the reply that may echo it is scrubbed of it.
 */
export async function noteOpenedSecret(workspaceId: string, value: string): Promise<void> {
  rememberSecretValues([value]);
  const known = await entryOf(workspaceId, Date.now()).values.catch(() => new Set<string>());
  if (!known.has(value)) redactors.delete(workspaceId);
}
