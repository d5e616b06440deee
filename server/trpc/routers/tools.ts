import { z } from "zod";
import { pageQuerySchema, pageSchema } from "../../lib/pagination";
import { getInvocation, invocationSummarySchema, listInvocations } from "../../tools/invocations";
import { invocationSchema, runTool } from "../../tools/runs";
import { deleteTool, getTool, listToolVersions, listTools, toolDetailSchema, toolSummarySchema, toolVersionSchema, uploadResultSchema, uploadTool } from "../../tools/tools";
import { router, workspaceProcedure } from "../init";
import { ws } from "./shared";

const named = ws.extend({ name: z.string() });

export const toolsRouter = router({
  list: workspaceProcedure
    .input(ws.extend(pageQuerySchema.shape))
    .output(pageSchema(toolSummarySchema))
    .query(({ ctx, input }) => listTools(ctx.actor, input)),
  get: workspaceProcedure.input(named).output(toolDetailSchema).query(({ ctx, input }) => getTool(ctx.actor, input.name)),
  versions: workspaceProcedure
    .input(named.extend(pageQuerySchema.shape))
    .output(pageSchema(toolVersionSchema))
    .query(({ ctx, input }) => listToolVersions(ctx.actor, input.name, input)),
  invocations: workspaceProcedure
    .input(named.extend(pageQuerySchema.shape))
    .output(pageSchema(invocationSummarySchema))
    .query(({ ctx, input }) => listInvocations(ctx.actor, input.name, input)),
  invocation: workspaceProcedure
    .input(named.extend({ id: z.string().min(1).max(100) }))
    .output(invocationSchema)
    .query(({ ctx, input }) => getInvocation(ctx.actor, input.name, input.id)),
  run: workspaceProcedure
    .input(named.extend({ input: z.unknown() }))
    .output(invocationSchema)
    .mutation(({ ctx, input }) => runTool(ctx.actor, input.name, input.input ?? {})),
  upload: workspaceProcedure
    .input(ws.extend({ manifest: z.string(), format: z.enum(["toml", "json"]), module: z.string().describe("base64") }))
    .output(uploadResultSchema)
    .mutation(({ ctx, input }) => uploadTool(ctx.actor, { manifest: input.manifest, format: input.format, module: new Uint8Array(Buffer.from(input.module, "base64")) })),
  delete: workspaceProcedure
    .input(named.extend({ confirm: z.string() }))
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deleteTool(ctx.actor, input.name, input.confirm);
      return { deleted: true as const };
    }),
});
