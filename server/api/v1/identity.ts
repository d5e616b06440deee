import { z } from "zod";
import { auditEventSchema, auditFilterSchema, exportAudit, listAudit } from "../../audit/audit";
import { requireWorkspace } from "../../auth/actor";
import { permissionsOf, roles, scopes } from "../../auth/permissions";
import { createdTokenSchema, createToken, listTokens, revokeToken, tokenInputSchema, tokenSchema } from "../../auth/tokens";
import { getUser } from "../../auth/users";
import { jsonLinesResponse } from "../../lib/json-lines";
import { pageQuerySchema, pageSchema } from "../../lib/pagination";
import { getUsage, setQuota, quotaNames, usageSchema } from "../../quotas/quotas";
import { createdInvitationSchema, createInvitation, invitationInputSchema } from "../../workspaces/invitations";
import { changeRole, listMembers, memberSchema, removeMember } from "../../workspaces/members";
import { deleteWorkspace, getWorkspace, listWorkspacesOf, renameWorkspace, workspaceNameSchema, workspaceSchema } from "../../workspaces/workspaces";
import { route } from "../route";

const slugParams = z.object({ slug: z.string() });
const memberParams = slugParams.extend({ userId: z.string() });
const tokenParams = slugParams.extend({ id: z.string() });

/** Every path with {slug} is first checked against the token's own workspace: others are 404. */
const inWorkspace = <T extends { slug: string }>(actor: Parameters<typeof requireWorkspace>[0], params: T) => requireWorkspace(actor, params.slug);

export const identityRoutes = [
  route({
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
  }),
  route({
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
  }),
  route({
    method: "GET",
    path: "/workspaces/{slug}",
    tag: "Workspaces",
    summary: "A workspace",
    params: slugParams,
    response: workspaceSchema.extend({ permissions: z.array(z.string()) }),
    async handler({ actor, params }) {
      inWorkspace(actor, params);
      return getWorkspace(actor);
    },
  }),
  route({
    method: "PATCH",
    path: "/workspaces/{slug}",
    tag: "Workspaces",
    summary: "Rename a workspace",
    params: slugParams,
    body: z.object({ name: workspaceNameSchema }).strict(),
    response: workspaceSchema,
    async handler({ actor, params, body }) {
      inWorkspace(actor, params);
      return renameWorkspace(actor, body.name);
    },
  }),
  route({
    method: "DELETE",
    path: "/workspaces/{slug}",
    tag: "Workspaces",
    summary: "Delete a workspace and everything in it",
    description: "Irreversible. `confirm` must repeat the workspace's slug.",
    params: slugParams,
    body: z.object({ confirm: z.string() }).strict(),
    status: 204,
    async handler({ actor, params, body }) {
      inWorkspace(actor, params);
      await deleteWorkspace(actor, body.confirm);
    },
  }),
  route({
    method: "GET",
    path: "/workspaces/{slug}/members",
    tag: "Members",
    summary: "Members and their roles",
    params: slugParams,
    query: pageQuerySchema,
    response: pageSchema(memberSchema),
    async handler({ actor, params, query }) {
      inWorkspace(actor, params);
      return listMembers(actor, query);
    },
  }),
  route({
    method: "PATCH",
    path: "/workspaces/{slug}/members/{userId}",
    tag: "Members",
    summary: "Change a member's role",
    params: memberParams,
    body: z.object({ role: z.enum(roles) }).strict(),
    response: memberSchema,
    async handler({ actor, params, body }) {
      inWorkspace(actor, params);
      return changeRole(actor, params.userId, body.role);
    },
  }),
  route({
    method: "DELETE",
    path: "/workspaces/{slug}/members/{userId}",
    tag: "Members",
    summary: "Remove a member (or leave, with your own user id)",
    params: memberParams,
    status: 204,
    async handler({ actor, params }) {
      inWorkspace(actor, params);
      await removeMember(actor, params.userId);
    },
  }),
  route({
    method: "POST",
    path: "/workspaces/{slug}/invitations",
    tag: "Members",
    summary: "Create an invitation link",
    description: "Single use and expiring. Whoever opens it signed in joins with the role.",
    params: slugParams,
    body: invitationInputSchema,
    response: createdInvitationSchema,
    status: 201,
    async handler({ actor, params, body }) {
      inWorkspace(actor, params);
      return createInvitation(actor, body);
    },
  }),
  route({
    method: "GET",
    path: "/workspaces/{slug}/tokens",
    tag: "API tokens",
    summary: "API tokens (members see their own)",
    params: slugParams,
    query: pageQuerySchema,
    response: pageSchema(tokenSchema),
    async handler({ actor, params, query }) {
      inWorkspace(actor, params);
      return listTokens(actor, query);
    },
  }),
  route({
    method: "POST",
    path: "/workspaces/{slug}/tokens",
    tag: "API tokens",
    summary: "Create an API token",
    description: "The answer carries the token itself, once; only its hash is kept.",
    params: slugParams,
    body: tokenInputSchema,
    response: createdTokenSchema,
    status: 201,
    async handler({ actor, params, body }) {
      inWorkspace(actor, params);
      return createToken(actor, body);
    },
  }),
  route({
    method: "DELETE",
    path: "/workspaces/{slug}/tokens/{id}",
    tag: "API tokens",
    summary: "Revoke an API token",
    params: tokenParams,
    response: tokenSchema,
    async handler({ actor, params }) {
      inWorkspace(actor, params);
      return revokeToken(actor, params.id);
    },
  }),
  route({
    method: "GET",
    path: "/workspaces/{slug}/audit",
    tag: "Audit log",
    summary: "Audit events, newest first",
    params: slugParams,
    query: auditFilterSchema.extend(pageQuerySchema.shape),
    response: pageSchema(auditEventSchema),
    async handler({ actor, params, query }) {
      inWorkspace(actor, params);
      return listAudit(actor, query, query);
    },
  }),
  route({
    method: "GET",
    path: "/workspaces/{slug}/audit/export",
    tag: "Audit log",
    summary: "Export audit events as JSON Lines, oldest first",
    params: slugParams,
    query: auditFilterSchema,
    produces: "application/x-ndjson",
    async handler({ actor, params, query }) {
      inWorkspace(actor, params);
      return jsonLinesResponse(exportAudit(actor, query), `${actor.workspaceSlug}-audit.jsonl`);
    },
  }),
  route({
    method: "GET",
    path: "/workspaces/{slug}/usage",
    tag: "Quotas",
    summary: "Limits and current usage",
    params: slugParams,
    response: usageSchema,
    async handler({ actor, params }) {
      inWorkspace(actor, params);
      return getUsage(actor);
    },
  }),
  route({
    method: "PATCH",
    path: "/workspaces/{slug}/quotas/{name}",
    tag: "Quotas",
    summary: "Set (or, with null, reset) one of the workspace's limits",
    params: slugParams.extend({ name: z.enum(quotaNames) }),
    body: z.object({ limit: z.number().int().min(1).max(1_000_000).nullable() }).strict(),
    response: usageSchema,
    async handler({ actor, params, body }) {
      inWorkspace(actor, params);
      await setQuota(actor, params.name, body.limit);
      return getUsage(actor);
    },
  }),
];
