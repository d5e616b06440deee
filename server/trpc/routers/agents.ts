import { z } from "zod";
import { PG_INT_MAX } from "../../lib/input-guard";
import {
  activateVersion,
  agentDetailSchema,
  agentPageSchema,
  agentSummarySchema,
  agentVersionDetailSchema,
  agentVersionSchema,
  checkAgent,
  checkResultSchema,
  createFromTemplate,
  listAgentTemplates,
  templateViewSchema,
  deleteAgent,
  diffSchema,
  diffVersions,
  getAgent,
  getVersion,
  listAgents,
  listVersions,
  pushAgent,
  pushResultSchema,
} from "../../agents/agents";
import { MAX_AGENT_BYTES } from "../../agents/validate";
import { pageQuerySchema, pageSchema } from "../../lib/pagination";
import { router, workspaceProcedure } from "../init";
import { ws } from "./shared";

const named = ws.extend({ name: z.string() });
const versionNumber = z.int().min(1).max(PG_INT_MAX);
// Longer text than an agent may be is still accepted here, so validation can say so precisely.
const source = z.string().max(MAX_AGENT_BYTES * 4);

export const agentsRouter = router({
  list: workspaceProcedure
    .input(ws.extend(pageQuerySchema.shape))
    .output(pageSchema(agentSummarySchema))
    .query(({ ctx, input }) => listAgents(ctx.actor, input)),
  get: workspaceProcedure.input(named).output(agentPageSchema).query(({ ctx, input }) => getAgent(ctx.actor, input.name)),
  validate: workspaceProcedure
    .input(ws.extend({ source }))
    .output(checkResultSchema)
    .query(({ ctx, input }) => checkAgent(ctx.actor, input.source)),
  push: workspaceProcedure
    .input(ws.extend({ source }))
    .output(pushResultSchema)
    .mutation(({ ctx, input }) => pushAgent(ctx.actor, input.source)),
  versions: workspaceProcedure
    .input(named.extend(pageQuerySchema.shape))
    .output(pageSchema(agentVersionSchema))
    .query(({ ctx, input }) => listVersions(ctx.actor, input.name, input)),
  version: workspaceProcedure
    .input(named.extend({ number: versionNumber }))
    .output(agentVersionDetailSchema)
    .query(({ ctx, input }) => getVersion(ctx.actor, input.name, input.number)),
  diff: workspaceProcedure
    .input(named.extend({ from: versionNumber.optional(), to: versionNumber.optional() }))
    .output(diffSchema)
    .query(({ ctx, input }) => diffVersions(ctx.actor, input.name, input)),
  activate: workspaceProcedure
    .input(named.extend({ version: versionNumber }))
    .output(agentDetailSchema)
    .mutation(({ ctx, input }) => activateVersion(ctx.actor, input.name, input.version)),
  templates: workspaceProcedure.input(ws).output(z.array(templateViewSchema)).query(({ ctx }) => listAgentTemplates(ctx.actor)),
  createFromTemplate: workspaceProcedure
    .input(ws.extend({ template: z.string(), params: z.record(z.string(), z.string()).default({}) }))
    .output(pushResultSchema)
    .mutation(({ ctx, input }) => createFromTemplate(ctx.actor, input.template, input.params)),
  delete: workspaceProcedure
    .input(named.extend({ confirm: z.string() }))
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deleteAgent(ctx.actor, input.name, input.confirm);
      return { deleted: true as const };
    }),
});
