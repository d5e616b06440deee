import { getDb } from "../db/client";
import { NOW_UTC, sql } from "../db/sql";
import { QUOTA_OVERRIDES_SQL } from "../quotas/overrides-sql";
import { AppError, notFound } from "../lib/errors";
import { can, permissionTable, type Permission, type Role, type Scope } from "./permissions";
import { sameHash, sha256 } from "./secrets";

/**
 * Who is asking, in which workspace, with what rights. The only way into tenant data:
 * every service that reads or writes a workspace's rows takes an Actor and scopes its
 * queries by `actor.workspaceId`. Built here, and only here, from a session or a token.
 */
export interface Actor {
  userId: string;
  workspaceId: string;
  workspaceSlug: string;
  role: Role;
  /** API tokens only: what the token may do on top of its member's role. */
  scopes?: Scope[];
  tokenId?: string;
  via: "session" | "token";
  /** Human label for audit entries: the user's email or name, or the token's name. */
  label: string;
  /**
   * API tokens only: the workspace's quota overrides, read with the token (one statement
   * for both, on every API call), so a request's limits are those of its start.
   */
  quotaOverrides?: Record<string, number>;
}

const userLabel = (user: { email: string | null; name: string | null; id: string }) => user.email ?? user.name ?? user.id;

/** A signed-in user inside one of their workspaces; any other workspace is "not found". */
export async function actorForSession(userId: string, workspaceSlug: string): Promise<Actor> {
  const membership = await getDb().membership.findFirst({
    where: { userId, workspace: { slug: workspaceSlug } },
    include: { workspace: true, user: true },
  });
  if (!membership) throw notFound(`Workspace "${workspaceSlug}"`);
  return {
    userId,
    workspaceId: membership.workspaceId,
    workspaceSlug: membership.workspace.slug,
    role: membership.role,
    via: "session",
    label: userLabel(membership.user),
  };
}

export const TOKEN_PATTERN = /^cx_[A-Za-z0-9_-]{32}$/;

const unauthorized = (message: string, hint: string) => new AppError("unauthorized", message, { hint });

/**
 * `Authorization: Bearer cx_...` to an Actor. Malformed, unknown, revoked and expired
 * tokens, and tokens of members who left, all answer 401 (with a reason, never a hint at
 * other workspaces).
 */
export async function actorForToken(authorization: string | null | undefined): Promise<Actor> {
  if (!authorization) {
    throw unauthorized("No API token was sent.", "Send `Authorization: Bearer cx_...`; create a token under Settings → API tokens.");
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  const token = match?.[1];
  if (!token || !TOKEN_PATTERN.test(token)) {
    throw unauthorized("The API token is malformed.", "Tokens look like `cx_` followed by 32 characters; copy it again.");
  }
  const hash = sha256(token);
  // Plain SQL, one statement: every API request makes it (see server/db/sql.ts).
  const [row] = await sql<TokenRow>(
    `SELECT t.id, t.hash, t.name, t.scopes, t."workspaceId", t."userId", t."revokedAt", t."expiresAt", w.slug AS "workspaceSlug",
       u.email AS "userEmail", u.name AS "userName", m.role,
       ${QUOTA_OVERRIDES_SQL(`t."workspaceId"`)} AS "quotaOverrides"
     FROM "ApiToken" t JOIN "Workspace" w ON w.id = t."workspaceId" JOIN "User" u ON u.id = t."userId"
     LEFT JOIN "Membership" m ON m."workspaceId" = t."workspaceId" AND m."userId" = t."userId"
     WHERE t.hash = $1`,
    [hash],
  );
  if (!row || !sameHash(row.hash, hash)) {
    throw unauthorized("The API token is not valid.", "Check that you copied the whole token, or create a new one.");
  }
  if (row.revokedAt) throw unauthorized("The API token was revoked.", "Create a new token.");
  if (row.expiresAt && row.expiresAt <= new Date()) throw unauthorized("The API token has expired.", "Create a new token.");
  if (!row.role) {
    throw unauthorized("The API token's owner is no longer a member of its workspace.", "Ask a workspace admin for access.");
  }
  // Record use, at most once a minute per token, so reads do not write every time.
  void sql(
    `UPDATE "ApiToken" SET "lastUsedAt" = ${NOW_UTC} WHERE id = $1 AND ("workspaceId" = $2) IS TRUE AND ("lastUsedAt" IS NULL OR "lastUsedAt" < ${NOW_UTC} - interval '1 minute')`,
    [row.id, row.workspaceId],
  ).catch(() => {});
  return {
    userId: row.userId,
    workspaceId: row.workspaceId,
    workspaceSlug: row.workspaceSlug,
    role: row.role,
    scopes: row.scopes as Scope[],
    tokenId: row.id,
    via: "token",
    label: `token ${row.name} (${userLabel({ id: row.userId, email: row.userEmail, name: row.userName })})`,
    quotaOverrides: row.quotaOverrides,
  };
}

interface TokenRow {
  id: string;
  hash: string;
  name: string;
  scopes: string[];
  workspaceId: string;
  userId: string;
  revokedAt: Date | null;
  expiresAt: Date | null;
  workspaceSlug: string;
  userEmail: string | null;
  userName: string | null;
  role: Role | null;
  quotaOverrides: Record<string, number>;
}

/** Refuses with 403 when the actor lacks the permission (it is a member: 403 is no leak). */
export function authorize(actor: Actor, permission: Permission): void {
  if (can(actor, permission)) return;
  const rule = permissionTable[permission];
  const what = rule.description.charAt(0).toLowerCase() + rule.description.slice(1);
  const byScope = actor.scopes && can({ role: actor.role }, permission);
  throw new AppError(
    "forbidden",
    byScope ? `This API token may not ${what}: it lacks the "${rule.scope}" scope.` : `Your role (${actor.role}) may not ${what}.`,
    { hint: byScope ? `Create a token with the "${rule.scope}" scope.` : "Ask a workspace owner or admin." },
  );
}

/** A token addressing a workspace by slug must address its own; anything else does not exist. */
export function requireWorkspace(actor: Actor, slug: string): void {
  if (actor.workspaceSlug !== slug) throw notFound(`Workspace "${slug}"`);
}
