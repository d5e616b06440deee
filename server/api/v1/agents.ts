import { z } from "zod";
import { agentJsonSchema } from "../../agents/json-schema";
import { agentOperations } from "../../operations/agents";
import { restRoutes } from "../rest-operation";
import { route } from "../route";

/**
 * Agents of the token's workspace. Domain resources live at the top of /api/v1 (a token
 * belongs to one workspace); workspace administration lives under /workspaces/{slug}.
 */
const ops = agentOperations;

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
  ...restRoutes([
    ops.templates,
    ops.createFromTemplate,
    ops.validate,
    ops.list,
    ops.push,
    ops.get,
    ops.delete,
    ops.versions,
    ops.version,
    ops.diff,
    ops.activate,
  ]),
];
