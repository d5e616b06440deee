import { z } from "zod";
import { auditEventSchema, auditFilterSchema, listAudit } from "../../audit/audit";
import { roles } from "../../auth/permissions";
import { createdTokenSchema, createToken, listTokens, revokeToken, tokenInputSchema, tokenSchema } from "../../auth/tokens";
import { pageQuerySchema, pageSchema } from "../../lib/pagination";
import { getUsage, quotaNames, setQuota, usageSchema } from "../../quotas/quotas";
import { acceptInvitation, createdInvitationSchema, createInvitation, invitationInputSchema, previewInvitation } from "../../workspaces/invitations";
import { changeRole, listMembers, memberSchema, removeMember } from "../../workspaces/members";
import {
  createWorkspace,
  deleteWorkspace,
  getWorkspace,
  listWorkspacesOf,
  renameWorkspace,
  workspaceNameSchema,
  workspaceSchema,
} from "../../workspaces/workspaces";
import { protectedProcedure, publicProcedure, router, workspaceProcedure } from "../init";
import { getUser } from "../../auth/users";

const ws = z.object({ workspace: z.string() });
const label = async (userId: string) => {
  const user = await getUser(userId);
  return user?.email ?? user?.name ?? userId;
};

export const workspacesRouter = router({
  list: protectedProcedure.output(z.array(workspaceSchema)).query(({ ctx }) => listWorkspacesOf(ctx.userId)),
  create: protectedProcedure
    .input(z.object({ name: workspaceNameSchema }).strict())
    .output(workspaceSchema)
    .mutation(async ({ ctx, input }) => createWorkspace({ userId: ctx.userId, label: await label(ctx.userId) }, input)),
  get: workspaceProcedure
    .input(ws)
    .output(workspaceSchema.extend({ permissions: z.array(z.string()) }))
    .query(({ ctx }) => getWorkspace(ctx.actor)),
  rename: workspaceProcedure
    .input(ws.extend({ name: workspaceNameSchema }))
    .output(workspaceSchema)
    .mutation(({ ctx, input }) => renameWorkspace(ctx.actor, input.name)),
  delete: workspaceProcedure
    .input(ws.extend({ confirm: z.string() }))
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deleteWorkspace(ctx.actor, input.confirm);
      return { deleted: true as const };
    }),
});

export const membersRouter = router({
  list: workspaceProcedure
    .input(ws.extend(pageQuerySchema.shape))
    .output(pageSchema(memberSchema))
    .query(({ ctx, input }) => listMembers(ctx.actor, input)),
  changeRole: workspaceProcedure
    .input(ws.extend({ userId: z.string(), role: z.enum(roles) }))
    .output(memberSchema)
    .mutation(({ ctx, input }) => changeRole(ctx.actor, input.userId, input.role)),
  remove: workspaceProcedure
    .input(ws.extend({ userId: z.string() }))
    .output(z.object({ removed: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await removeMember(ctx.actor, input.userId);
      return { removed: true as const };
    }),
  invite: workspaceProcedure
    .input(ws.extend(invitationInputSchema.shape))
    .output(createdInvitationSchema)
    .mutation(({ ctx, input }) => createInvitation(ctx.actor, { role: input.role, expiresInHours: input.expiresInHours })),
});

export const invitationsRouter = router({
  preview: publicProcedure
    .input(z.object({ token: z.string().max(200) }))
    .output(z.object({ workspaceName: z.string(), workspaceSlug: z.string(), role: z.enum(roles), state: z.enum(["valid", "expired", "used"]) }).nullable())
    .query(({ input }) => previewInvitation(input.token)),
  accept: protectedProcedure
    .input(z.object({ token: z.string().max(200) }))
    .output(z.object({ slug: z.string() }))
    .mutation(async ({ ctx, input }) => acceptInvitation({ userId: ctx.userId, label: await label(ctx.userId) }, input.token)),
});

export const tokensRouter = router({
  list: workspaceProcedure
    .input(ws.extend(pageQuerySchema.shape))
    .output(pageSchema(tokenSchema))
    .query(({ ctx, input }) => listTokens(ctx.actor, input)),
  create: workspaceProcedure
    .input(ws.extend(tokenInputSchema.shape))
    .output(createdTokenSchema)
    .mutation(({ ctx, input }) => createToken(ctx.actor, { name: input.name, scopes: input.scopes, expiresAt: input.expiresAt })),
  revoke: workspaceProcedure
    .input(ws.extend({ id: z.string() }))
    .output(tokenSchema)
    .mutation(({ ctx, input }) => revokeToken(ctx.actor, input.id)),
});

export const auditRouter = router({
  list: workspaceProcedure
    .input(ws.extend(auditFilterSchema.shape).extend(pageQuerySchema.shape))
    .output(pageSchema(auditEventSchema))
    .query(({ ctx, input }) => listAudit(ctx.actor, input, input)),
});

export const usageRouter = router({
  get: workspaceProcedure.input(ws).output(usageSchema).query(({ ctx }) => getUsage(ctx.actor)),
  setQuota: workspaceProcedure
    .input(ws.extend({ name: z.enum(quotaNames), limit: z.number().int().min(1).max(1_000_000).nullable() }))
    .output(usageSchema)
    .mutation(async ({ ctx, input }) => {
      await setQuota(ctx.actor, input.name, input.limit);
      return getUsage(ctx.actor);
    }),
});
