import { z } from "zod";
import { audit } from "../audit/audit";
import { getDb } from "../db/client";
import { createWorkspace, slugSchema } from "../workspaces/workspaces";
import { scopes } from "./permissions";
import { createTokenFor } from "./tokens";

export const bootstrapInputSchema = z.object({
  email: z.string().email("Give a valid email address."),
  workspace: slugSchema,
  tokenName: z.string().min(1).max(80).default("bootstrap"),
});

/**
 * For operators and scripts, straight against the database: makes sure the user and the
 * workspace exist (the user as an owner) and mints a new owner token with every scope.
 */
export async function bootstrap(input: z.input<typeof bootstrapInputSchema>) {
  const { email, workspace: slug, tokenName } = bootstrapInputSchema.parse(input);
  const db = getDb();
  const system = { system: "caxton admin bootstrap" };
  const user = await db.user.upsert({ where: { email }, create: { email, name: email.split("@")[0] }, update: {} });
  const who = { userId: user.id, label: email, via: "session" as const };
  let workspace = await db.workspace.findUnique({ where: { slug } });
  let createdWorkspace = false;
  if (!workspace) {
    const created = await createWorkspace(who, { name: slug, slug });
    workspace = await db.workspace.findUniqueOrThrow({ where: { id: created.id } });
    createdWorkspace = true;
  }
  const membership = await db.membership.upsert({
    where: { workspaceId_userId: { workspaceId: workspace.id, userId: user.id } },
    create: { workspaceId: workspace.id, userId: user.id, role: "owner" },
    update: { role: "owner" },
  });
  await audit(system, {
    action: "admin.bootstrap",
    workspaceId: workspace.id,
    targetType: "user",
    targetId: user.id,
    data: { email, createdWorkspace },
  });
  const token = await createTokenFor(system, { userId: user.id, workspaceId: workspace.id }, { name: tokenName, scopes: [...scopes] });
  return {
    user: { id: user.id, email },
    workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name, created: createdWorkspace },
    role: membership.role,
    token: token.token,
    tokenId: token.id,
  };
}
