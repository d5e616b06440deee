import { z } from "zod";
import { workspaceOperations as ops } from "../../operations/workspaces";
import { createWorkspace, listWorkspacesOf, workspaceNameSchema, workspaceSchema } from "../../workspaces/workspaces";
import { protectedProcedure, router } from "../init";
import { mutationOf, queryOf } from "../procedure";
import { userLabel } from "./shared";

export const workspacesRouter = router({
  // A signed-in user's own calls, before any workspace: the web app's alone.
  list: protectedProcedure.output(z.array(workspaceSchema)).query(({ ctx }) => listWorkspacesOf(ctx.userId)),
  create: protectedProcedure
    .input(z.object({ name: workspaceNameSchema }).strict())
    .output(workspaceSchema)
    .mutation(async ({ ctx, input }) => createWorkspace({ userId: ctx.userId, label: await userLabel(ctx.userId) }, input)),
  get: queryOf(ops.get),
  rename: mutationOf(ops.rename),
  delete: mutationOf(ops.delete),
});
