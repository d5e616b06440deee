import { z } from "zod";
import { roles } from "../../auth/permissions";
import { memberOperations as ops } from "../../operations/workspaces";
import { acceptInvitation, previewInvitation } from "../../workspaces/invitations";
import { protectedProcedure, publicProcedure, router } from "../init";
import { mutationOf, queryOf } from "../procedure";
import { userLabel } from "./shared";

export const membersRouter = router({
  list: queryOf(ops.list),
  changeRole: mutationOf(ops.changeRole),
  remove: mutationOf(ops.remove),
  invite: mutationOf(ops.invite),
});

// Opening an invitation link happens before its user is a member: the web app's alone.
export const invitationsRouter = router({
  preview: publicProcedure
    .input(z.object({ token: z.string().max(200) }))
    .output(
      z
        .object({ workspaceName: z.string(), workspaceSlug: z.string(), role: z.enum(roles), state: z.enum(["valid", "expired", "used"]) })
        .nullable(),
    )
    .query(({ input }) => previewInvitation(input.token)),
  accept: protectedProcedure
    .input(z.object({ token: z.string().max(200) }))
    .output(z.object({ slug: z.string() }))
    .mutation(async ({ ctx, input }) => acceptInvitation({ userId: ctx.userId, label: await userLabel(ctx.userId) }, input.token)),
});
