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
  deleteAgent,
  diffSchema,
  diffVersions,
  getAgent,
  getVersion,
  invalidAgent,
  listAgents,
  listAgentTemplates,
  listVersions,
  pushAgent,
  pushResultSchema,
  templateViewSchema,
} from "../agents/agents";
import { intParam, PG_INT_MAX } from "../lib/input-guard";
import { pageQuerySchema, pageSchema } from "../lib/pagination";
import { MAX_BODY_BYTES } from "../lib/request-body";
import { operation } from "./operation";

const TOML_TYPES = ["application/toml", "text/plain", "text/x-toml", "application/x-toml"];

/**
 * An agent document, on every transport. Capped only by the request's own cap: a document
 * longer than an agent may be still gets here, so validation answers `document_too_large`
 * with the limit, the same way whichever transport carried it.
 */
export const agentSourceSchema = z.string().max(MAX_BODY_BYTES).describe("The agent document (TOML)");
/** The document as JSON `{ "source": "..." }`, or (REST) the TOML text itself as the body, left as bytes so the service can refuse text that is not UTF-8. */
const sourceInput = z.object({ source: agentSourceSchema }).strict();
type SourceInput = { source: string | Uint8Array };
const tomlBody = { types: TOML_TYPES, toBody: (bytes: Uint8Array): SourceInput => ({ source: bytes }) };

export const templateParamsSchema = z.record(z.string(), z.string()).default({}).describe("Values for the template's {{PARAM}}s, by name");
const versionNumber = intParam(1);
const named = z.object({ name: z.string() });
const deleted = z.object({ deleted: z.literal(true) });

export const agentOperations = {
  templates: operation({
    name: "agents.templates",
    kind: "query",
    permission: "agents.view",
    input: z.object({}),
    output: z.array(templateViewSchema),
    run: (actor) => listAgentTemplates(actor),
    rest: {
      method: "GET",
      path: "/templates",
      tag: "Agents",
      summary: "Agent templates with their parameters and a preview",
      reply: { schema: z.object({ items: z.array(templateViewSchema) }), from: (items) => ({ items }) },
    },
  }),
  createFromTemplate: operation({
    name: "agents.createFromTemplate",
    kind: "mutation",
    permission: "agents.write",
    input: z.object({ template: z.string(), params: templateParamsSchema }).strict(),
    output: pushResultSchema,
    run: (actor, input) => createFromTemplate(actor, input.template, input.params),
    rest: {
      method: "POST",
      path: "/agents/from-template",
      tag: "Agents",
      summary: "Create an agent from a template",
      description: "400 `validation_failed` with `details: [{ param, message }]` for unknown, missing or invalid parameters.",
    },
  }),
  validate: operation<typeof sourceInput, z.infer<typeof checkResultSchema>, SourceInput>({
    name: "agents.validate",
    kind: "query",
    permission: "agents.view",
    input: sourceInput,
    output: checkResultSchema,
    run: (actor, input) => checkAgent(actor, input.source),
    rest: {
      method: "POST",
      path: "/agents/validate",
      tag: "Agents",
      summary: "Validate an agent document without saving it",
      description:
        "200 with warnings and the parsed config when valid; 422 `invalid_agent` with `details.problems` (each with severity, code, field, message, line, column, suggestions) when not.",
      documentBody: tomlBody,
      // The editor (tRPC) shows the problems as markers of a successful check; REST, like
      // push, refuses an invalid document with the same problems as the error's details.
      reply: {
        schema: checkResultSchema,
        from(result) {
          if (!result.ok) throw invalidAgent(result.problems);
          return result;
        },
      },
    },
  }),
  list: operation({
    name: "agents.list",
    kind: "query",
    permission: "agents.view",
    input: pageQuerySchema,
    output: pageSchema(agentSummarySchema),
    run: (actor, input) => listAgents(actor, input),
    rest: { method: "GET", path: "/agents", tag: "Agents", summary: "Agents of the workspace" },
  }),
  push: operation<typeof sourceInput, z.infer<typeof pushResultSchema>, SourceInput>({
    name: "agents.push",
    kind: "mutation",
    permission: "agents.write",
    input: sourceInput,
    output: pushResultSchema,
    run: (actor, input) => pushAgent(actor, input.source),
    rest: {
      method: "POST",
      path: "/agents",
      tag: "Agents",
      summary: "Create or update an agent from its document",
      description:
        "The document's `name` picks the agent. A new document becomes a new active version; one identical to the active version changes nothing (`outcome: unchanged`).",
      documentBody: tomlBody,
    },
  }),
  get: operation({
    name: "agents.get",
    kind: "query",
    permission: "agents.view",
    input: named,
    output: agentPageSchema,
    run: (actor, input) => getAgent(actor, input.name),
    rest: {
      method: "GET",
      path: "/agents/{name}",
      tag: "Agents",
      summary: "An agent with its active document, circuit breaker and recent failures",
    },
  }),
  delete: operation({
    name: "agents.delete",
    kind: "mutation",
    permission: "agents.write",
    input: named.extend({ confirm: z.string() }).strict(),
    output: deleted,
    async run(actor, input) {
      await deleteAgent(actor, input.name, input.confirm);
      return { deleted: true as const };
    },
    rest: {
      method: "DELETE",
      path: "/agents/{name}",
      tag: "Agents",
      summary: "Delete an agent",
      description: "`confirm` must repeat the agent's name. Its versions stay in the history; the name can be used again.",
      status: 204,
    },
  }),
  versions: operation({
    name: "agents.versions",
    kind: "query",
    permission: "agents.view",
    input: named.extend(pageQuerySchema.shape),
    output: pageSchema(agentVersionSchema),
    run: (actor, input) => listVersions(actor, input.name, input),
    rest: { method: "GET", path: "/agents/{name}/versions", tag: "Agents", summary: "Versions of an agent, newest first" },
  }),
  version: operation({
    name: "agents.version",
    kind: "query",
    permission: "agents.view",
    input: named.extend({ number: versionNumber }),
    output: agentVersionDetailSchema,
    run: (actor, input) => getVersion(actor, input.name, input.number),
    rest: { method: "GET", path: "/agents/{name}/versions/{number}", tag: "Agents", summary: "One version with its document" },
  }),
  diff: operation({
    name: "agents.diff",
    kind: "query",
    permission: "agents.view",
    input: named.extend({ from: versionNumber.optional(), to: versionNumber.optional() }).strict(),
    output: diffSchema,
    run: (actor, input) => diffVersions(actor, input.name, input),
    rest: {
      method: "GET",
      path: "/agents/{name}/diff",
      tag: "Agents",
      summary: "Unified diff between two versions",
      description: "Defaults: `to` is the active version, `from` the one before it.",
    },
  }),
  activate: operation({
    name: "agents.activate",
    kind: "mutation",
    permission: "agents.write",
    input: named.extend({ version: z.int().min(1).max(PG_INT_MAX) }).strict(),
    output: agentDetailSchema,
    run: (actor, input) => activateVersion(actor, input.name, input.version),
    rest: { method: "POST", path: "/agents/{name}/activate", tag: "Agents", summary: "Make a version the active one (rollback)" },
  }),
};
