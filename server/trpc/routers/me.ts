import { z } from "zod";
import { getUser, markOnboarded } from "../../auth/users";
import { listWorkspacesOf, workspaceSchema } from "../../workspaces/workspaces";
import { protectedProcedure, router } from "../init";

const userSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  image: z.string().nullable(),
  isOperator: z.boolean(),
  onboarded: z.boolean(),
});

export const meRouter = router({
  get: protectedProcedure
    .output(z.object({ user: userSchema, workspaces: z.array(workspaceSchema) }))
    .query(async ({ ctx }) => ({ user: (await getUser(ctx.userId))!, workspaces: await listWorkspacesOf(ctx.userId) })),
  completeOnboarding: protectedProcedure.output(z.object({ done: z.literal(true) })).mutation(async ({ ctx }) => {
    await markOnboarded(ctx.userId);
    return { done: true as const };
  }),
});
