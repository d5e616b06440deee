import { z } from "zod";
import { roles } from "../../auth/permissions";
import { pageQuerySchema, pageSchema } from "../../lib/pagination";
import { acceptInvitation, createdInvitationSchema, createInvitation, invitationInputSchema, previewInvitation } from "../../workspaces/invitations";
import { changeRole, listMembers, memberSchema, removeMember } from "../../workspaces/members";
import { protectedProcedure, publicProcedure, router, workspaceProcedure } from "../init";
import { userLabel, ws } from "./shared";

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
    .mutation(async ({ ctx, input }) => acceptInvitation({ userId: ctx.userId, label: await userLabel(ctx.userId) }, input.token)),
});
