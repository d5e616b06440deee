import { z } from "zod";
import { audit } from "../audit/audit";
import { authorize, type Actor } from "../auth/actor";
import { permissionTable, roleRank, roles, type Role } from "../auth/permissions";
import { getDb } from "../db/client";
import { AppError, notFound } from "../lib/errors";
import { pageArgs, toPage, type PageQuery } from "../lib/pagination";
import type { Prisma } from "@prisma/client";

export const memberSchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  image: z.string().nullable(),
  role: z.enum(roles),
  createdAt: z.string(),
});
export type MemberView = z.infer<typeof memberSchema>;

type MembershipWithUser = Prisma.MembershipGetPayload<{ include: { user: true } }>;
const view = (m: MembershipWithUser): MemberView => ({
  id: m.id,
  userId: m.userId,
  name: m.user.name,
  email: m.user.email,
  image: m.user.image,
  role: m.role,
  createdAt: m.createdAt.toISOString(),
});

export async function listMembers(actor: Actor, page: PageQuery) {
  authorize(actor, "members.view");
  const rows = await getDb().membership.findMany({ where: { workspaceId: actor.workspaceId }, include: { user: true }, ...pageArgs(page) });
  return toPage(rows, page, view);
}

async function findMember(tx: Prisma.TransactionClient, actor: Actor, userId: string) {
  const member = await tx.membership.findUnique({
    where: { workspaceId_userId: { workspaceId: actor.workspaceId, userId } },
    include: { user: true },
  });
  if (!member) throw notFound("Member");
  return member;
}

async function assertNotLastOwner(tx: Prisma.TransactionClient, workspaceId: string, what: string) {
  const owners = await tx.membership.count({ where: { workspaceId, role: "owner" } });
  if (owners <= 1) {
    throw new AppError("conflict", `The last owner cannot ${what}.`, { hint: "Make another member an owner first." });
  }
}

/** Admins manage members below owner; only owners touch owners or make new ones. */
function assertOutranks(actor: Actor, targetRole: Role, newRole?: Role) {
  if (actor.role === "owner") return;
  if (roleRank[targetRole] >= roleRank.owner || (newRole && roleRank[newRole] >= roleRank.owner)) {
    throw new AppError("forbidden", "Only an owner can change an owner, or make someone an owner.", { hint: "Ask a workspace owner." });
  }
}

export async function changeRole(actor: Actor, userId: string, role: Role): Promise<MemberView> {
  authorize(actor, "members.update");
  return getDb().$transaction(async (tx) => {
    const member = await findMember(tx, actor, userId);
    assertOutranks(actor, member.role, role);
    if (member.role === role) return view(member);
    if (member.role === "owner") await assertNotLastOwner(tx, actor.workspaceId, "be demoted");
    const updated = await tx.membership.update({ where: { id: member.id }, data: { role }, include: { user: true } });
    await audit(
      actor,
      {
        action: "member.role_changed",
        workspaceId: actor.workspaceId,
        targetType: "user",
        targetId: userId,
        data: { from: member.role, to: role },
      },
      tx,
    );
    return view(updated);
  });
}

/** Removes a member; anyone may remove themselves (leave), except the last owner. */
export async function removeMember(actor: Actor, userId: string): Promise<void> {
  const leaving = userId === actor.userId;
  if (!leaving) authorize(actor, "members.remove");
  // Any role may leave, but a token still needs the scope of member management: a read-only
  // token must not be able to take its user out of the workspace (and revoke their tokens).
  const scope = permissionTable["members.remove"].scope;
  if (leaving && actor.scopes && !actor.scopes.includes(scope)) {
    throw new AppError("forbidden", `This API token may not remove its user from the workspace: it lacks the "${scope}" scope.`, {
      hint: `Leave from the dashboard, or use a token with the "${scope}" scope.`,
    });
  }
  await getDb().$transaction(async (tx) => {
    const member = await findMember(tx, actor, userId);
    if (!leaving) assertOutranks(actor, member.role);
    if (member.role === "owner") await assertNotLastOwner(tx, actor.workspaceId, leaving ? "leave the workspace" : "be removed");
    await tx.membership.delete({ where: { id: member.id } });
    // Their tokens stop working at once (membership is checked on every use); revoking them
    // as well keeps the token list honest.
    await tx.apiToken.updateMany({ where: { workspaceId: actor.workspaceId, userId, revokedAt: null }, data: { revokedAt: new Date() } });
    await audit(
      actor,
      {
        action: "member.removed",
        workspaceId: actor.workspaceId,
        targetType: "user",
        targetId: userId,
        data: { role: member.role, left: leaving },
      },
      tx,
    );
  });
}
