import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { z } from "zod";
import { audit } from "../audit/audit";
import { authorize, type Actor } from "../auth/actor";
import { getConfig } from "../config/load";
import { getDb } from "../db/client";
import { AppError, notFound } from "../lib/errors";
import { announceIndexChanged } from "../routing/index-cache";

/**
 * Workspace secrets (providers' API keys): write-only through the API, AES-256-GCM at rest
 * under a key derived from AUTH_SECRET. Only the worker reads a value back, for the turn that
 * needs it (readSecretForRuntime); no API answer ever carries one.
 */

export const SECRET_NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;
export const secretNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(SECRET_NAME_PATTERN, "Secret names use uppercase letters, digits and underscores, and start with a letter (e.g. OPENAI_API_KEY)");
export const secretValueSchema = z.string().min(1).max(16_384);

export const secretSummarySchema = z.object({
  name: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  /** Who last set the value, from the audit log; null when that entry is gone. */
  setBy: z.string().nullable(),
});
export type SecretSummary = z.infer<typeof secretSummarySchema>;

// Changing this context string makes every stored secret unreadable: it versions the key.
const KEY_CONTEXT = "caxton/workspace-secrets/v1";

function encryptionKey(): Buffer {
  const authSecret = getConfig().authSecret ?? process.env.AUTH_SECRET;
  if (!authSecret) {
    throw new AppError("bad_request", "Secrets need AUTH_SECRET, which is not set in this process.", {
      hint: "Start Caxton with `caxton serve` (it provides one), or set AUTH_SECRET to a random string of at least 32 characters.",
    });
  }
  return Buffer.from(hkdfSync("sha256", authSecret, Buffer.alloc(0), KEY_CONTEXT, 32));
}

/** AES-256-GCM with a fresh 96-bit IV; the workspace and name are bound in as associated data. */
function seal(workspaceId: string, name: string, value: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey(), iv);
  cipher.setAAD(Buffer.from(`${workspaceId}/${name}`));
  const ciphertext = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return { ciphertext: new Uint8Array(ciphertext), iv: new Uint8Array(iv), tag: new Uint8Array(cipher.getAuthTag()) };
}

function open(workspaceId: string, name: string, row: { ciphertext: Uint8Array; iv: Uint8Array; tag: Uint8Array }): string {
  const decipher = createDecipheriv("aes-256-gcm", encryptionKey(), Buffer.from(row.iv));
  decipher.setAAD(Buffer.from(`${workspaceId}/${name}`));
  decipher.setAuthTag(Buffer.from(row.tag));
  return Buffer.concat([decipher.update(Buffer.from(row.ciphertext)), decipher.final()]).toString("utf8");
}

function checkName(name: string): string {
  const parsed = secretNameSchema.safeParse(name);
  if (!parsed.success)
    throw new AppError("validation_failed", `"${name}" is not a valid secret name.`, { hint: parsed.error.issues[0]?.message });
  return parsed.data;
}

/** Creates or replaces a secret. The value is never returned, logged or audited. */
export async function setSecret(actor: Actor, name: string, value: string): Promise<void> {
  authorize(actor, "secrets.write");
  checkName(name);
  if (!secretValueSchema.safeParse(value).success)
    throw new AppError("validation_failed", "A secret's value is 1 to 16384 characters.", { hint: 'Send { "value": "..." }.' });
  const sealed = seal(actor.workspaceId, name, value);
  await getDb().$transaction(async (tx) => {
    const existing = await tx.secret.findUnique({
      where: { workspaceId_name: { workspaceId: actor.workspaceId, name } },
      select: { id: true },
    });
    await tx.secret.upsert({
      where: { workspaceId_name: { workspaceId: actor.workspaceId, name } },
      create: { workspaceId: actor.workspaceId, name, ...sealed },
      update: sealed,
    });
    await audit(
      actor,
      {
        action: "secret.set",
        workspaceId: actor.workspaceId,
        targetType: "secret",
        targetId: name,
        data: { outcome: existing ? "replaced" : "created" },
      },
      tx,
    );
  });
  // Workers keep each workspace's values to scrub replies with (values.ts): they must see the new one.
  await announceIndexChanged(actor.workspaceId);
}

/** Names, dates and who last set each one: never a value. */
export async function listSecrets(actor: Actor): Promise<SecretSummary[]> {
  authorize(actor, "secrets.write");
  const db = getDb();
  const secrets = await db.secret.findMany({
    where: { workspaceId: actor.workspaceId },
    select: { name: true, createdAt: true, updatedAt: true },
    orderBy: { name: "asc" },
  });
  if (!secrets.length) return [];
  // The row keeps no author; the audit log has one entry per set, newest first wins.
  const sets = await db.auditEvent.findMany({
    where: { workspaceId: actor.workspaceId, action: "secret.set", targetType: "secret", targetId: { in: secrets.map((s) => s.name) } },
    orderBy: { createdAt: "desc" },
    distinct: ["targetId"],
    select: { targetId: true, actorLabel: true },
  });
  const setBy = new Map(sets.map((e) => [e.targetId, e.actorLabel]));
  return secrets.map((s) => ({ ...s, setBy: setBy.get(s.name) ?? null }));
}

export async function deleteSecret(actor: Actor, name: string): Promise<void> {
  authorize(actor, "secrets.write");
  await getDb().$transaction(async (tx) => {
    const removed = await tx.secret.deleteMany({ where: { workspaceId: actor.workspaceId, name } });
    if (removed.count === 0) throw notFound(`Secret "${name}"`);
    await audit(actor, { action: "secret.deleted", workspaceId: actor.workspaceId, targetType: "secret", targetId: name }, tx);
  });
  await announceIndexChanged(actor.workspaceId);
}

/** For the worker only: a secret's value, or null when the workspace has none by that name. */
export async function readSecretForRuntime(workspaceId: string, name: string): Promise<string | null> {
  const row = await getDb().secret.findUnique({ where: { workspaceId_name: { workspaceId, name } } });
  return row ? open(workspaceId, name, row) : null;
}

/** For the worker only: every secret value of a workspace, to scrub its text with (values.ts). */
export async function readWorkspaceSecretValues(workspaceId: string): Promise<string[]> {
  const rows = await getDb().secret.findMany({ where: { workspaceId } });
  // One that no longer opens (AUTH_SECRET changed) cannot be used, so cannot leak either; it
  // must not stop every reply of the workspace from being stored.
  return rows.flatMap((row) => {
    try {
      return [open(workspaceId, row.name, row)];
    } catch {
      return [];
    }
  });
}
