import { audit } from "../audit/audit";
import { getDb } from "../db/client";
import { personalWorkspaceName } from "../workspaces/names";
import { createWorkspace } from "../workspaces/workspaces";

const labelOf = (u: { email: string | null; name: string | null; id: string }) => u.email ?? u.name ?? u.id;

/**
 * After every sign-in: a user with no workspace gets a personal one (their first sign-in,
 * or after leaving all others), and the sign-in is recorded in each workspace's audit log.
 */
export async function afterSignIn(userId: string, method: string): Promise<void> {
  const db = getDb();
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, include: { memberships: true } });
  const who = { userId, label: labelOf(user), via: "session" as const };
  if (user.memberships.length === 0) {
    await createWorkspace(who, { name: personalWorkspaceName(user), personal: true });
  }
  const memberships = await db.membership.findMany({ where: { userId } });
  for (const m of memberships) {
    await audit(who, { action: "user.signed_in", workspaceId: m.workspaceId, targetType: "user", targetId: userId, data: { method } });
  }
}

export interface UserView {
  id: string;
  name: string | null;
  email: string | null;
  image: string | null;
  isOperator: boolean;
  onboarded: boolean;
}

export async function getUser(userId: string): Promise<UserView | null> {
  const user = await getDb().user.findUnique({ where: { id: userId } });
  if (!user) return null;
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    image: user.image,
    isOperator: user.isOperator,
    onboarded: user.onboardedAt !== null,
  };
}

export async function markOnboarded(userId: string): Promise<void> {
  await getDb().user.update({ where: { id: userId }, data: { onboardedAt: new Date() } });
}

/** Where a signed-in user goes from the front door: onboarding first, then a workspace. */
export async function homeOf(userId: string): Promise<string> {
  const user = await getDb().user.findUnique({
    where: { id: userId },
    include: { memberships: { include: { workspace: true }, orderBy: { createdAt: "asc" } } },
  });
  if (!user) return "/signin";
  if (!user.onboardedAt) return "/onboarding";
  const first = user.memberships[0];
  return first ? `/w/${first.workspace.slug}` : "/onboarding";
}
