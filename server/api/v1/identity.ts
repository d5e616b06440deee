import { z } from "zod";
import { auditFilterSchema, exportAudit } from "../../audit/audit";
import { permissionsOf, roles, scopes } from "../../auth/permissions";
import { getUser } from "../../auth/users";
import { jsonLinesResponse } from "../../lib/json-lines";
import { auditOperations, memberOperations, tokenOperations, usageOperations, workspaceOperations } from "../../operations/workspaces";
import { listWorkspacesOf, workspaceSchema } from "../../workspaces/workspaces";
import { restRoutes } from "../rest-operation";
import { route } from "../route";

/*
 * Three routes are REST's own, with no tRPC twin: what a token acts as (the web app has a
 * session, `me.get`), the token's workspaces, and the audit export (the web app downloads
 * it from its own page route). Everything else is an operation, served by both transports.
 */
const meRoute = route({
  method: "GET",
  path: "/me",
  tag: "Identity",
  summary: "Who this token acts as",
  description: "The token's user, its workspace, the member's role and the token's scopes.",
  response: z.object({
    user: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() }),
    workspace: z.object({ id: z.string(), slug: z.string() }),
    role: z.enum(roles),
    scopes: z.array(z.enum(scopes)),
    permissions: z.array(z.string()),
  }),
  async handler({ actor }) {
    const user = (await getUser(actor.userId))!;
    return {
      user: { id: user.id, name: user.name, email: user.email },
      workspace: { id: actor.workspaceId, slug: actor.workspaceSlug },
      role: actor.role,
      scopes: actor.scopes ?? [],
      permissions: permissionsOf(actor),
    };
  },
});

const workspacesRoute = route({
  method: "GET",
  path: "/workspaces",
  tag: "Workspaces",
  summary: "Workspaces this token can reach",
  description: "A token belongs to one workspace, so this lists that one; it exists so clients need not special-case tokens.",
  response: z.object({ items: z.array(workspaceSchema), nextCursor: z.string().nullable() }),
  async handler({ actor }) {
    const all = await listWorkspacesOf(actor.userId);
    return { items: all.filter((w) => w.id === actor.workspaceId), nextCursor: null };
  },
});

const auditExportRoute = route({
  method: "GET",
  path: "/workspaces/{slug}/audit/export",
  workspace: "path",
  tag: "Audit log",
  summary: "Export audit events as JSON Lines, oldest first",
  params: z.object({ slug: z.string() }),
  query: auditFilterSchema,
  produces: "application/x-ndjson",
  async handler({ actor, query }) {
    return jsonLinesResponse(exportAudit(actor, query), `${actor.workspaceSlug}-audit.jsonl`);
  },
});

const ws = workspaceOperations;
const members = memberOperations;
const tokens = tokenOperations;

export const identityRoutes = [
  meRoute,
  workspacesRoute,
  ...restRoutes([
    ws.get,
    ws.rename,
    ws.delete,
    members.list,
    members.changeRole,
    members.remove,
    members.invite,
    tokens.list,
    tokens.create,
    tokens.revoke,
    auditOperations.list,
  ]),
  auditExportRoute,
  ...restRoutes([usageOperations.get, usageOperations.setQuota]),
];
