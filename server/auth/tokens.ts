import { z } from "zod";
import type { Prisma } from "@prisma/client";
import { audit, type Who } from "../audit/audit";
import { getDb } from "../db/client";
import { notFound } from "../lib/errors";
import { pageArgs, toPage, type PageQuery } from "../lib/pagination";
import { activeTokenWhere, enforceQuota } from "../quotas/quotas";
import { authorize, type Actor } from "./actor";
import { can, scopes } from "./permissions";
import { randomSecret, sha256 } from "./secrets";

export const tokenInputSchema = z
  .object({
    name: z.string().trim().min(1, "Give the token a name.").max(80),
    scopes: z.array(z.enum(scopes)).min(1, "Pick at least one scope.").max(scopes.length),
    expiresAt: z.coerce
      .date()
      .refine((d) => d.getTime() > Date.now(), "The expiry must be in the future.")
      .optional()
      .describe("ISO 8601; omit for a token that does not expire"),
  })
  .strict();

export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  userId: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TokenView = z.infer<typeof tokenSchema>;

export const createdTokenSchema = tokenSchema.extend({
  token: z.string().describe("The token itself. Shown this once: store it now."),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;
const view = (t: Prisma.ApiTokenGetPayload<object>): TokenView => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  scopes: t.scopes,
  userId: t.userId,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: iso(t.lastUsedAt),
  expiresAt: iso(t.expiresAt),
  revokedAt: iso(t.revokedAt),
});

/** A new token for the actor's user in the actor's workspace; the secret is returned once. */
export async function createToken(actor: Actor, input: z.input<typeof tokenInputSchema>) {
  authorize(actor, "tokens.create");
  const parsed = tokenInputSchema.parse(input);
  return createTokenFor(actor, { userId: actor.userId, workspaceId: actor.workspaceId }, parsed);
}

/** Shared with `caxton admin bootstrap`, which mints an owner token without a session. */
export async function createTokenFor(
  who: Who,
  { userId, workspaceId }: { userId: string; workspaceId: string },
  input: z.output<typeof tokenInputSchema>,
) {
  const token = randomSecret("cx_");
  const row = await getDb().$transaction(async (tx) => {
    await enforceQuota(tx, workspaceId, "tokens", await tx.apiToken.count({ where: activeTokenWhere(workspaceId) }));
    const created = await tx.apiToken.create({
      data: {
        workspaceId,
        userId,
        name: input.name,
        scopes: input.scopes,
        expiresAt: input.expiresAt,
        hash: sha256(token),
        prefix: token.slice(0, 8),
      },
    });
    await audit(
      who,
      { action: "token.created", workspaceId, targetType: "token", targetId: created.id, data: { name: input.name, scopes: input.scopes } },
      tx,
    );
    return created;
  });
  return { ...view(row), token };
}

/** Members see their own tokens; owners and admins see everyone's. */
const visibleTo = (actor: Actor): Prisma.ApiTokenWhereInput => ({
  workspaceId: actor.workspaceId,
  ...(can(actor, "tokens.manageAll") ? {} : { userId: actor.userId }),
});

export async function listTokens(actor: Actor, page: PageQuery) {
  authorize(actor, "tokens.view");
  const rows = await getDb().apiToken.findMany({ where: visibleTo(actor), ...pageArgs(page) });
  return toPage(rows, page, view);
}

export async function revokeToken(actor: Actor, tokenId: string): Promise<TokenView> {
  authorize(actor, "tokens.revoke");
  return getDb().$transaction(async (tx) => {
    const token = await tx.apiToken.findFirst({ where: { workspaceId: actor.workspaceId, id: tokenId } });
    if (!token) throw notFound("API token");
    // Someone else's token in the same workspace: refuse as the table says (403 is no leak to a member).
    if (token.userId !== actor.userId) authorize(actor, "tokens.manageAll");
    if (token.revokedAt) return view(token);
    const revoked = await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    await audit(
      actor,
      { action: "token.revoked", workspaceId: actor.workspaceId, targetType: "token", targetId: token.id, data: { name: token.name } },
      tx,
    );
    return view(revoked);
  });
}
