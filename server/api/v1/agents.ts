import { z } from "zod";
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
  invalidAgent,
  listAgents,
  listVersions,
  pushAgent,
  pushResultSchema,
} from "../../agents/agents";
import { agentJsonSchema } from "../../agents/json-schema";
import { intParam, PG_INT_MAX } from "../../lib/input-guard";
import { pageQuerySchema, pageSchema } from "../../lib/pagination";
import { route } from "../route";

/**
 * Agents of the token's workspace. Domain resources live at the top of /api/v1 (a token
 * belongs to one workspace); workspace administration lives under /workspaces/{slug}.
 */

const TOML_TYPES = ["application/toml", "text/plain", "text/x-toml", "application/x-toml"];
/** The document as JSON `{ "source": "..." }`, or the TOML text itself as the body. */
const sourceBody = z.object({ source: z.string().describe("The agent document (TOML)") }).strict();
const documentBody = { types: TOML_TYPES, toBody: (bytes: Uint8Array) => ({ source: bytes }) };

const nameParams = z.object({ name: z.string() });
export const templateParamsSchema = z.record(z.string(), z.string()).default({}).describe("Values for the template's {{PARAM}}s, by name");
const versionParams = nameParams.extend({ number: intParam(1) });

export const agentRoutes = [
  route({
    method: "GET",
    path: "/schemas/agent.json",
    tag: "Agents",
    summary: "JSON Schema of an agent document",
    description: "For editors and other tools; the same schema the server validates with.",
    auth: false,
    response: z.record(z.string(), z.unknown()),
    async handler() {
      return agentJsonSchema() as Record<string, unknown>;
    },
  }),
  route({
    method: "GET",
    path: "/templates",
    tag: "Agents",
    summary: "Agent templates with their parameters and a preview",
    response: z.object({ items: z.array(templateViewSchema) }),
    async handler({ actor }) {
      return { items: await listAgentTemplates(actor) };
    },
  }),
  route({
    method: "POST",
    path: "/agents/from-template",
    tag: "Agents",
    summary: "Create an agent from a template",
    description: "400 `validation_failed` with `details: [{ param, message }]` for unknown, missing or invalid parameters.",
    body: z.object({ template: z.string(), params: templateParamsSchema }).strict(),
    response: pushResultSchema,
    async handler({ actor, body }) {
      return createFromTemplate(actor, body.template, body.params);
    },
  }),
  route({
    method: "POST",
    path: "/agents/validate",
    tag: "Agents",
    summary: "Validate an agent document without saving it",
    description: "200 with warnings and the parsed config when valid; 422 `invalid_agent` with `details.problems` (each with severity, code, field, message, line, column, suggestions) when not.",
    body: sourceBody as z.ZodType<{ source: string | Uint8Array }>,
    documentBody,
    response: checkResultSchema,
    async handler({ actor, body }) {
      const result = await checkAgent(actor, body.source);
      if (!result.ok) throw invalidAgent(result.problems);
      return result;
    },
  }),
  route({
    method: "GET",
    path: "/agents",
    tag: "Agents",
    summary: "Agents of the workspace",
    query: pageQuerySchema,
    response: pageSchema(agentSummarySchema),
    async handler({ actor, query }) {
      return listAgents(actor, query);
    },
  }),
  route({
    method: "POST",
    path: "/agents",
    tag: "Agents",
    summary: "Create or update an agent from its document",
    description: "The document's `name` picks the agent. A new document becomes a new active version; one identical to the active version changes nothing (`outcome: unchanged`).",
    body: sourceBody as z.ZodType<{ source: string | Uint8Array }>,
    documentBody,
    response: pushResultSchema,
    async handler({ actor, body }) {
      return pushAgent(actor, body.source);
    },
  }),
  route({
    method: "GET",
    path: "/agents/{name}",
    tag: "Agents",
    summary: "An agent with its active document, circuit breaker and recent failures",
    params: nameParams,
    response: agentPageSchema,
    async handler({ actor, params }) {
      return getAgent(actor, params.name);
    },
  }),
  route({
    method: "DELETE",
    path: "/agents/{name}",
    tag: "Agents",
    summary: "Delete an agent",
    description: "`confirm` must repeat the agent's name. Its versions stay in the history; the name can be used again.",
    params: nameParams,
    body: z.object({ confirm: z.string() }).strict(),
    status: 204,
    async handler({ actor, params, body }) {
      await deleteAgent(actor, params.name, body.confirm);
    },
  }),
  route({
    method: "GET",
    path: "/agents/{name}/versions",
    tag: "Agents",
    summary: "Versions of an agent, newest first",
    params: nameParams,
    query: pageQuerySchema,
    response: pageSchema(agentVersionSchema),
    async handler({ actor, params, query }) {
      return listVersions(actor, params.name, query);
    },
  }),
  route({
    method: "GET",
    path: "/agents/{name}/versions/{number}",
    tag: "Agents",
    summary: "One version with its document",
    params: versionParams,
    response: agentVersionDetailSchema,
    async handler({ actor, params }) {
      return getVersion(actor, params.name, params.number);
    },
  }),
  route({
    method: "GET",
    path: "/agents/{name}/diff",
    tag: "Agents",
    summary: "Unified diff between two versions",
    description: "Defaults: `to` is the active version, `from` the one before it.",
    params: nameParams,
    query: z.object({ from: intParam(1).optional(), to: intParam(1).optional() }).strict(),
    response: diffSchema,
    async handler({ actor, params, query }) {
      return diffVersions(actor, params.name, query);
    },
  }),
  route({
    method: "POST",
    path: "/agents/{name}/activate",
    tag: "Agents",
    summary: "Make a version the active one (rollback)",
    params: nameParams,
    body: z.object({ version: z.int().min(1).max(PG_INT_MAX) }).strict(),
    response: agentDetailSchema,
    async handler({ actor, params, body }) {
      return activateVersion(actor, params.name, body.version);
    },
  }),
];
