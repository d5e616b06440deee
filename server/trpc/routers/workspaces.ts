import { z } from "zod";
import {
  createWorkspace,
  deleteWorkspace,
  getWorkspace,
  listWorkspacesOf,
  renameWorkspace,
  workspaceNameSchema,
  workspaceSchema,
} from "../../workspaces/workspaces";
import { protectedProcedure, router, workspaceProcedure } from "../init";
import { userLabel, ws } from "./shared";

export const workspacesRouter = router({
  list: protectedProcedure.output(z.array(workspaceSchema)).query(({ ctx }) => listWorkspacesOf(ctx.userId)),
  create: protectedProcedure
    .input(z.object({ name: workspaceNameSchema }).strict())
    .output(workspaceSchema)
    .mutation(async ({ ctx, input }) => createWorkspace({ userId: ctx.userId, label: await userLabel(ctx.userId) }, input)),
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
