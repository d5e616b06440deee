import { randomBytes } from "node:crypto";
import type { Config } from "../config/keys";
import { getConfig } from "../config/load";
import { getDb, type Db } from "../db/client";
import { AppError } from "../lib/errors";
import { publicUrl } from "../lib/public-url";
import { randomSecret, sha256 } from "./secrets";

/**
 * Local operator sign-in: on an install with no GitHub app, the server prints a link that
 * signs its reader in as the local operator. Random, stored hashed, valid for 15 minutes,
 * single use. Mint another with `caxton admin login-link`.
 */
export const OPERATOR_EMAIL = "operator@localhost";
export const LINK_TTL_MS = 15 * 60_000;
export const SESSION_TTL_MS = 30 * 24 * 3_600_000;

export const githubConfigured = (config: Config = getConfig()) => Boolean(config.githubClientId && config.githubClientSecret);

export function operatorSignInEnabled(config: Config = getConfig()): boolean {
  return config.localOperator === "on" || (config.localOperator === "auto" && !githubConfigured(config));
}

export async function mintOperatorLink(db: Db = getDb(), base = publicUrl()): Promise<{ url: string; expiresAt: Date }> {
  const token = randomSecret("cxo_");
  const expiresAt = new Date(Date.now() + LINK_TTL_MS);
  await db.operatorSignIn.create({ data: { tokenHash: sha256(token), expiresAt } });
  return { url: `${base}/signin/local?token=${token}`, expiresAt };
}

/** Consumes a link and returns the operator's user id (creating the account the first time). */
export async function redeemOperatorLink(token: string): Promise<string> {
  if (!operatorSignInEnabled()) {
    throw new AppError("forbidden", "Local operator sign-in is turned off on this install.", { hint: "Sign in with GitHub." });
  }
  const db = getDb();
  const claimed = await db.operatorSignIn.updateMany({
    where: { tokenHash: sha256(token), usedAt: null, expiresAt: { gt: new Date() } },
    data: { usedAt: new Date() },
  });
  if (claimed.count === 0) {
    throw new AppError("unauthorized", "This sign-in link is not valid: it expired, was already used, or was mistyped.", {
      hint: "Restart Caxton or run `caxton admin login-link` for a new one.",
    });
  }
  const user = await db.user.upsert({
    where: { email: OPERATOR_EMAIL },
    create: { email: OPERATOR_EMAIL, name: "Local operator", isOperator: true },
    update: {},
  });
  return user.id;
}

/** A database session as Auth.js keeps them, so `auth()` recognises it like any other. */
export async function createSession(userId: string): Promise<{ sessionToken: string; expires: Date }> {
  const sessionToken = randomBytes(32).toString("hex");
  const expires = new Date(Date.now() + SESSION_TTL_MS);
  await getDb().session.create({ data: { sessionToken, userId, expires } });
  return { sessionToken, expires };
}

/** Auth.js's session cookie name (secure prefix on https). */
export const sessionCookieName = (secure: boolean) => `${secure ? "__Secure-" : ""}authjs.session-token`;
