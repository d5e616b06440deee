import { z } from "zod";
import { auditEventSchema, auditFilterSchema, listAudit } from "../audit/audit";
import { roles } from "../auth/permissions";
import { createdTokenSchema, createToken, listTokens, revokeToken, tokenInputSchema, tokenSchema } from "../auth/tokens";
import { pageQuerySchema, pageSchema } from "../lib/pagination";
import { getUsage, quotaNames, setQuota, usageSchema } from "../quotas/quotas";
import { createdInvitationSchema, createInvitation, invitationInputSchema } from "../workspaces/invitations";
import { changeRole, listMembers, memberSchema, removeMember } from "../workspaces/members";
import { deleteWorkspace, getWorkspace, renameWorkspace, workspaceNameSchema, workspaceSchema } from "../workspaces/workspaces";
import { operation } from "./operation";

/**
 * Administration of one workspace: the workspace itself, its members and invitations, API
 * tokens, the audit log, quotas. Over REST these live under /workspaces/{slug}, and the
 * slug must be the token's own workspace (`workspace: "path"`).
 */
const none = z.object({});

export const workspaceOperations = {
  get: operation({
    name: "workspaces.get",
    kind: "query",
    permission: "workspace.view",
    input: none,
    output: workspaceSchema.extend({ permissions: z.array(z.string()) }),
    run: (actor) => getWorkspace(actor),
    rest: { method: "GET", path: "/workspaces/{slug}", workspace: "path", tag: "Workspaces", summary: "A workspace" },
  }),
  rename: operation({
    name: "workspaces.rename",
    kind: "mutation",
    permission: "workspace.rename",
    input: z.object({ name: workspaceNameSchema }).strict(),
    output: workspaceSchema,
    run: (actor, input) => renameWorkspace(actor, input.name),
    rest: { method: "PATCH", path: "/workspaces/{slug}", workspace: "path", tag: "Workspaces", summary: "Rename a workspace" },
  }),
  delete: operation({
    name: "workspaces.delete",
    kind: "mutation",
    permission: "workspace.delete",
    input: z.object({ confirm: z.string() }).strict(),
    output: z.object({ deleted: z.literal(true) }),
    async run(actor, input) {
      await deleteWorkspace(actor, input.confirm);
      return { deleted: true as const };
    },
    rest: {
      method: "DELETE",
      path: "/workspaces/{slug}",
      workspace: "path",
      tag: "Workspaces",
      summary: "Delete a workspace and everything in it",
      description: "Irreversible. `confirm` must repeat the workspace's slug.",
      status: 204,
    },
  }),
};

export const memberOperations = {
  list: operation({
    name: "members.list",
    kind: "query",
    permission: "members.view",
    input: pageQuerySchema,
    output: pageSchema(memberSchema),
    run: (actor, input) => listMembers(actor, input),
    rest: { method: "GET", path: "/workspaces/{slug}/members", workspace: "path", tag: "Members", summary: "Members and their roles" },
  }),
  changeRole: operation({
    name: "members.changeRole",
    kind: "mutation",
    permission: "members.update",
    input: z.object({ userId: z.string(), role: z.enum(roles) }).strict(),
    output: memberSchema,
    run: (actor, input) => changeRole(actor, input.userId, input.role),
    rest: {
      method: "PATCH",
      path: "/workspaces/{slug}/members/{userId}",
      workspace: "path",
      tag: "Members",
      summary: "Change a member's role",
    },
  }),
  remove: operation({
    name: "members.remove",
    kind: "mutation",
    // Leaving (your own user id) needs no permission; removing someone else does.
    permission: null,
    input: z.object({ userId: z.string() }),
    output: z.object({ removed: z.literal(true) }),
    async run(actor, input) {
      await removeMember(actor, input.userId);
      return { removed: true as const };
    },
    rest: {
      method: "DELETE",
      path: "/workspaces/{slug}/members/{userId}",
      workspace: "path",
      tag: "Members",
      summary: "Remove a member (or leave, with your own user id)",
      status: 204,
    },
  }),
  invite: operation({
    name: "members.invite",
    kind: "mutation",
    permission: "members.invite",
    input: invitationInputSchema,
    output: createdInvitationSchema,
    run: (actor, input) => createInvitation(actor, input),
    rest: {
      method: "POST",
      path: "/workspaces/{slug}/invitations",
      workspace: "path",
      tag: "Members",
      summary: "Create an invitation link",
      description: "Single use and expiring. Whoever opens it signed in joins with the role.",
      status: 201,
    },
  }),
};

export const tokenOperations = {
  list: operation({
    name: "tokens.list",
    kind: "query",
    permission: "tokens.view",
    input: pageQuerySchema,
    output: pageSchema(tokenSchema),
    run: (actor, input) => listTokens(actor, input),
    rest: {
      method: "GET",
      path: "/workspaces/{slug}/tokens",
      workspace: "path",
      tag: "API tokens",
      summary: "API tokens (members see their own)",
    },
  }),
  create: operation({
    name: "tokens.create",
    kind: "mutation",
    permission: "tokens.create",
    input: tokenInputSchema,
    output: createdTokenSchema,
    run: (actor, input) => createToken(actor, input),
    rest: {
      method: "POST",
      path: "/workspaces/{slug}/tokens",
      workspace: "path",
      tag: "API tokens",
      summary: "Create an API token",
      description: "The answer carries the token itself, once; only its hash is kept.",
      status: 201,
    },
  }),
  revoke: operation({
    name: "tokens.revoke",
    kind: "mutation",
    permission: "tokens.revoke",
    input: z.object({ id: z.string() }),
    output: tokenSchema,
    run: (actor, input) => revokeToken(actor, input.id),
    rest: {
      method: "DELETE",
      path: "/workspaces/{slug}/tokens/{id}",
      workspace: "path",
      tag: "API tokens",
      summary: "Revoke an API token",
    },
  }),
};

export const auditOperations = {
  list: operation({
    name: "audit.list",
    kind: "query",
    permission: "audit.view",
    input: auditFilterSchema.extend(pageQuerySchema.shape),
    output: pageSchema(auditEventSchema),
    run: (actor, input) => listAudit(actor, input, input),
    rest: { method: "GET", path: "/workspaces/{slug}/audit", workspace: "path", tag: "Audit log", summary: "Audit events, newest first" },
  }),
};

export const usageOperations = {
  get: operation({
    name: "usage.get",
    kind: "query",
    permission: "quotas.view",
    input: none,
    output: usageSchema,
    run: (actor) => getUsage(actor),
    rest: { method: "GET", path: "/workspaces/{slug}/usage", workspace: "path", tag: "Quotas", summary: "Limits and current usage" },
  }),
  setQuota: operation({
    name: "usage.setQuota",
    kind: "mutation",
    permission: "quotas.update",
    input: z.object({ name: z.enum(quotaNames), limit: z.number().int().min(1).max(1_000_000).nullable() }).strict(),
    output: usageSchema,
    async run(actor, input) {
      await setQuota(actor, input.name, input.limit);
      return getUsage(actor);
    },
    rest: {
      method: "PATCH",
      path: "/workspaces/{slug}/quotas/{name}",
      workspace: "path",
      tag: "Quotas",
      summary: "Set (or, with null, reset) one of the workspace's limits",
    },
  }),
};
