import { z } from "zod";
import { audit } from "../audit/audit";
import { authorize, type Actor } from "../auth/actor";
import { roles, type Role } from "../auth/permissions";
import { randomSecret, sha256 } from "../auth/secrets";
import { getDb } from "../db/client";
import { AppError } from "../lib/errors";
import { publicUrl } from "../lib/public-url";
import { enforceQuota } from "../quotas/quotas";

export const invitationInputSchema = z
  .object({
    role: z.enum(roles).default("member"),
    expiresInHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(72),
  })
  .strict();

export const createdInvitationSchema = z.object({
  id: z.string(),
  url: z.string(),
  role: z.enum(roles),
  expiresAt: z.string(),
});

export async function createInvitation(actor: Actor, input: z.input<typeof invitationInputSchema>) {
  authorize(actor, "members.invite");
  const { role, expiresInHours } = invitationInputSchema.parse(input);
  if (role === "owner" && actor.role !== "owner") {
    throw new AppError("forbidden", "Only an owner can invite someone as an owner.", { hint: "Invite them as admin, or ask an owner." });
  }
  const token = randomSecret("cxi_");
  const invitation = await getDb().$transaction(async (tx) => {
    const created = await tx.invitation.create({
      data: {
        workspaceId: actor.workspaceId,
        role,
        tokenHash: sha256(token),
        createdById: actor.userId,
        expiresAt: new Date(Date.now() + expiresInHours * 3_600_000),
      },
    });
    await audit(
      actor,
      {
        action: "invitation.created",
        workspaceId: actor.workspaceId,
        targetType: "invitation",
        targetId: created.id,
        data: { role, expiresInHours },
      },
      tx,
    );
    return created;
  });
  return { id: invitation.id, url: `${publicUrl()}/invite/${token}`, role: invitation.role, expiresAt: invitation.expiresAt.toISOString() };
}

export interface InvitationPreview {
  workspaceName: string;
  workspaceSlug: string;
  role: Role;
  state: "valid" | "expired" | "used";
}

export async function previewInvitation(token: string): Promise<InvitationPreview | null> {
  const invitation = await getDb().invitation.findUnique({ where: { tokenHash: sha256(token) }, include: { workspace: true } });
  if (!invitation) return null;
  const state = invitation.usedAt ? "used" : invitation.expiresAt <= new Date() ? "expired" : "valid";
  return { workspaceName: invitation.workspace.name, workspaceSlug: invitation.workspace.slug, role: invitation.role, state };
}

/** Joins the invitation's workspace. Single use: the first to accept consumes it. */
export async function acceptInvitation(who: { userId: string; label: string }, token: string): Promise<{ slug: string }> {
  return getDb().$transaction(async (tx) => {
    const invitation = await tx.invitation.findUnique({ where: { tokenHash: sha256(token) }, include: { workspace: true } });
    if (!invitation) throw new AppError("not_found", "This invitation link is not valid.", { hint: "Ask for a new link." });
    const existing = await tx.membership.findUnique({
      where: { workspaceId_userId: { workspaceId: invitation.workspaceId, userId: who.userId } },
    });
    if (existing) return { slug: invitation.workspace.slug };
    const claimed = await tx.invitation.updateMany({
      where: { id: invitation.id, usedAt: null, expiresAt: { gt: new Date() } },
      data: { usedAt: new Date(), usedById: who.userId },
    });
    if (claimed.count === 0) {
      throw new AppError("conflict", invitation.usedAt ? "This invitation link was already used." : "This invitation link has expired.", {
        hint: "Ask a workspace admin for a new link.",
      });
    }
    await enforceQuota(
      tx,
      invitation.workspaceId,
      "members",
      await tx.membership.count({ where: { workspaceId: invitation.workspaceId } }),
    );
    await tx.membership.create({ data: { workspaceId: invitation.workspaceId, userId: who.userId, role: invitation.role } });
    await audit(
      { userId: who.userId, label: who.label, via: "session" },
      {
        action: "member.joined",
        workspaceId: invitation.workspaceId,
        targetType: "user",
        targetId: who.userId,
        data: { role: invitation.role, invitationId: invitation.id },
      },
      tx,
    );
    return { slug: invitation.workspace.slug };
  });
}
