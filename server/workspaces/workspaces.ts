import { z } from "zod";
import { audit } from "../audit/audit";
import { authorize, type Actor } from "../auth/actor";
import { permissionsOf, roles, type Role } from "../auth/permissions";
import { getDb } from "../db/client";
import { AppError } from "../lib/errors";
import { SLUG_PATTERN, slugify, uniqueSlug } from "./slug";
import { installSampleTools } from "../tools/tools";

export const workspaceNameSchema = z.string().trim().min(1, "A workspace needs a name.").max(80);
export const slugSchema = z
  .string()
  .regex(SLUG_PATTERN, "Use 1-40 lowercase letters, digits and dashes, not starting or ending with a dash.");

export const workspaceSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  personal: z.boolean(),
  role: z.enum(roles),
  createdAt: z.string(),
});
export type WorkspaceView = z.infer<typeof workspaceSchema>;

const view = (w: { id: string; slug: string; name: string; personal: boolean; createdAt: Date }, role: Role): WorkspaceView => ({
  id: w.id,
  slug: w.slug,
  name: w.name,
  personal: w.personal,
  role,
  createdAt: w.createdAt.toISOString(),
});

const isTaken = async (slug: string) => (await getDb().workspace.count({ where: { slug } })) > 0;

export async function createWorkspace(
  who: { userId: string; label: string },
  input: { name: string; slug?: string; personal?: boolean },
): Promise<WorkspaceView> {
  const name = workspaceNameSchema.parse(input.name);
  let slug: string;
  if (input.slug) {
    slug = slugSchema.parse(input.slug);
    if (await isTaken(slug)) throw new AppError("conflict", `The workspace slug "${slug}" is taken.`, { hint: "Pick another slug." });
  } else {
    slug = await uniqueSlug(slugify(name), isTaken);
  }
  const workspace = await getDb().$transaction(async (tx) => {
    const created = await tx.workspace.create({
      data: { name, slug, personal: input.personal ?? false, memberships: { create: { userId: who.userId, role: "owner" } } },
    });
    await audit(
      { userId: who.userId, label: who.label, via: "session" },
      { action: "workspace.created", workspaceId: created.id, targetType: "workspace", targetId: created.id, data: { name, slug } },
      tx,
    );
    return created;
  });
  await installSampleTools({
    userId: who.userId,
    workspaceId: workspace.id,
    workspaceSlug: workspace.slug,
    role: "owner",
    via: "session",
    label: who.label,
  });
  return view(workspace, "owner");
}

export async function listWorkspacesOf(userId: string): Promise<WorkspaceView[]> {
  const memberships = await getDb().membership.findMany({
    where: { userId },
    include: { workspace: true },
    orderBy: { workspace: { name: "asc" } },
  });
  return memberships.map((m) => view(m.workspace, m.role));
}

export async function getWorkspace(actor: Actor): Promise<WorkspaceView & { permissions: string[] }> {
  authorize(actor, "workspace.view");
  const workspace = await getDb().workspace.findUniqueOrThrow({ where: { id: actor.workspaceId } });
  return { ...view(workspace, actor.role), permissions: permissionsOf(actor) };
}

export async function renameWorkspace(actor: Actor, newName: string): Promise<WorkspaceView> {
  authorize(actor, "workspace.rename");
  const name = workspaceNameSchema.parse(newName);
  const workspace = await getDb().$transaction(async (tx) => {
    const before = await tx.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId } });
    const after = await tx.workspace.update({ where: { id: actor.workspaceId }, data: { name } });
    await audit(
      actor,
      {
        action: "workspace.renamed",
        workspaceId: actor.workspaceId,
        targetType: "workspace",
        targetId: actor.workspaceId,
        data: { from: before.name, to: name },
      },
      tx,
    );
    return after;
  });
  return view(workspace, actor.role);
}

/** Deletes the workspace and everything in it. `confirm` must repeat its slug. */
export async function deleteWorkspace(actor: Actor, confirm: string): Promise<void> {
  authorize(actor, "workspace.delete");
  if (confirm !== actor.workspaceSlug) {
    throw new AppError("bad_request", "The confirmation does not match the workspace's slug.", {
      hint: `Type "${actor.workspaceSlug}" to confirm; deleting a workspace cannot be undone.`,
    });
  }
  await getDb().$transaction(async (tx) => {
    await audit(
      actor,
      {
        action: "workspace.deleted",
        workspaceId: actor.workspaceId,
        targetType: "workspace",
        targetId: actor.workspaceId,
        data: { slug: actor.workspaceSlug },
      },
      tx,
    );
    await tx.workspace.delete({ where: { id: actor.workspaceId } });
  });
}
