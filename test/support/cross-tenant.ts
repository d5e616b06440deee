import { expect } from "vitest";
import { z } from "zod";
import type { Route } from "../../server/api/route";
import { getDb } from "../../server/db/client";
import { sampleAgent } from "./agents";
import { sampleJsTool } from "./tools";
import type { WorkspaceFixture } from "./identity";

/** A changed document for the victim's agent: pushed by an outsider, it must land nowhere near the victim. */
const probeAgentSource = (name: string) => sampleAgent(name, { description: "Taken over by the cross-tenant probe." });
const probeToolUpload = (name: string) => {
  const upload = sampleJsTool(name, { version: "9.9.9" });
  return { manifest: upload.manifest as string, format: upload.format, module: Buffer.from(upload.module).toString("base64") };
};

/**
 * The cross-tenant probe: every tenant-scoped REST route and tRPC
 * procedure, called by an outsider (a valid token or session of *another* workspace) with
 * the victim's real slug and ids and otherwise valid input, answers 404, and the victim's
 * rows are unchanged afterwards.
 *
 * Domain resources (agents, later tools and messages) live at the top of /api/v1 and are
 * addressed by the token's own workspace: the outsider names the victim's rows there
 * (`byToken` fills), which must not resolve either.
 *
 * The fill tables below say how to call each route and procedure. Every route and
 * procedure must appear either there or in an "outside tenancy" list with its reason;
 * anything else fails the plan, so a new route cannot escape the probe unnoticed.
 */

/** What the probe aims at: one workspace's real identifiers. */
export interface TenantTarget {
  slug: string;
  workspaceId: string;
  /** A member whose role a call may change. */
  memberToChange: string;
  /** A member a call may remove (not the same as memberToChange). */
  memberToRemove: string;
  /** A token a call may revoke (not the one a control run authenticates with). */
  tokenToRevoke: string;
  /** An agent with at least two versions. */
  agentName: string;
  /** A tool with at least one version. */
  toolName: string;
  /** A conversation with at least one message. */
  conversationId: string;
  /** A workspace secret. */
  secretName: string;
  /** A recorded call of toolName. */
  invocationId: string;
}

/** A fixture's workspace as a target: its viewer's role changes, its member is removed. */
export const tenantTarget = (
  fixture: WorkspaceFixture,
  tokenToRevoke: string,
  agentName: string,
  toolName: string,
  conversationId: string,
  secretName: string,
  invocationId: string,
): TenantTarget & { name: string } => ({
  slug: fixture.workspace.slug,
  workspaceId: fixture.workspace.id,
  name: fixture.workspace.name,
  memberToChange: fixture.users.viewer.id,
  memberToRemove: fixture.users.member.id,
  tokenToRevoke,
  agentName,
  toolName,
  conversationId,
  secretName,
  invocationId,
});

interface Fill<T> {
  fill(target: TenantTarget): T;
  /**
   * Parameters that name one of the target's rows (other than the workspace itself). The
   * probe also sends them under the outsider's *own* workspace: ids of another workspace
   * must not resolve there either.
   */
  rowParams?: string[];
  /** Ends the workspace it succeeds on: a control run makes this call last. */
  endsWorkspace?: true;
  /** Ends the row it names: a control run makes this call after the others on that row. */
  endsRow?: true;
  /** A top-level route: the workspace is the token's own, the victim is named by rowParams. */
  byToken?: true;
}

export interface RestCall {
  params: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

const slugOnly = (t: TenantTarget): RestCall => ({ params: { slug: t.slug } });

/** How to call each tenant-scoped REST route, keyed `METHOD /path`. */
export const restFills: Record<string, Fill<RestCall>> = {
  "GET /workspaces/{slug}": { fill: slugOnly },
  "PATCH /workspaces/{slug}": { fill: (t) => ({ params: { slug: t.slug }, body: { name: "Taken over" } }) },
  "DELETE /workspaces/{slug}": { fill: (t) => ({ params: { slug: t.slug }, body: { confirm: t.slug } }), endsWorkspace: true },
  "GET /workspaces/{slug}/members": { fill: (t) => ({ params: { slug: t.slug }, query: { limit: "10" } }) },
  "PATCH /workspaces/{slug}/members/{userId}": {
    fill: (t) => ({ params: { slug: t.slug, userId: t.memberToChange }, body: { role: "owner" } }),
    rowParams: ["userId"],
  },
  "DELETE /workspaces/{slug}/members/{userId}": {
    fill: (t) => ({ params: { slug: t.slug, userId: t.memberToRemove } }),
    rowParams: ["userId"],
  },
  "POST /workspaces/{slug}/invitations": { fill: (t) => ({ params: { slug: t.slug }, body: { role: "owner", expiresInHours: 24 } }) },
  "GET /workspaces/{slug}/tokens": { fill: slugOnly },
  "POST /workspaces/{slug}/tokens": {
    fill: (t) => ({ params: { slug: t.slug }, body: { name: "cross-tenant probe", scopes: ["admin"] } }),
  },
  "DELETE /workspaces/{slug}/tokens/{id}": { fill: (t) => ({ params: { slug: t.slug, id: t.tokenToRevoke } }), rowParams: ["id"] },
  "GET /workspaces/{slug}/audit": { fill: (t) => ({ params: { slug: t.slug }, query: { action: "workspace.created" } }) },
  "GET /workspaces/{slug}/audit/export": { fill: slugOnly },
  "GET /workspaces/{slug}/usage": { fill: slugOnly },
  "PATCH /workspaces/{slug}/quotas/{name}": { fill: (t) => ({ params: { slug: t.slug, name: "members" }, body: { limit: 1 } }) },
  "GET /agents/{name}": { fill: (t) => ({ params: { name: t.agentName } }), rowParams: ["name"], byToken: true },
  "DELETE /agents/{name}": {
    fill: (t) => ({ params: { name: t.agentName }, body: { confirm: t.agentName } }),
    rowParams: ["name"],
    byToken: true,
    endsRow: true,
  },
  "GET /agents/{name}/versions": { fill: (t) => ({ params: { name: t.agentName } }), rowParams: ["name"], byToken: true },
  "GET /agents/{name}/versions/{number}": {
    fill: (t) => ({ params: { name: t.agentName, number: "1" } }),
    rowParams: ["name"],
    byToken: true,
  },
  "GET /agents/{name}/diff": {
    fill: (t) => ({ params: { name: t.agentName }, query: { from: "1", to: "2" } }),
    rowParams: ["name"],
    byToken: true,
  },
  "GET /tools/{name}": { fill: (t) => ({ params: { name: t.toolName } }), rowParams: ["name"], byToken: true },
  "DELETE /tools/{name}": {
    fill: (t) => ({ params: { name: t.toolName }, body: { confirm: t.toolName } }),
    rowParams: ["name"],
    byToken: true,
    endsRow: true,
  },
  "GET /tools/{name}/versions": { fill: (t) => ({ params: { name: t.toolName } }), rowParams: ["name"], byToken: true },
  "GET /tools/{name}/invocations": { fill: (t) => ({ params: { name: t.toolName } }), rowParams: ["name"], byToken: true },
  "GET /tools/{name}/invocations/{id}": {
    fill: (t) => ({ params: { name: t.toolName, id: t.invocationId } }),
    rowParams: ["name", "id"],
    byToken: true,
  },
  "POST /tools/{name}/run": {
    fill: (t) => ({ params: { name: t.toolName }, body: { input: { text: "probe" } } }),
    rowParams: ["name"],
    byToken: true,
  },
  "GET /conversations/{id}": { fill: (t) => ({ params: { id: t.conversationId } }), rowParams: ["id"], byToken: true },
  "DELETE /secrets/{name}": { fill: (t) => ({ params: { name: t.secretName } }), rowParams: ["name"], byToken: true, endsRow: true },
  "POST /agents/{name}/activate": {
    fill: (t) => ({ params: { name: t.agentName }, body: { version: 1 } }),
    rowParams: ["name"],
    byToken: true,
  },
};

/** REST routes that touch no workspace's data by path, and why that is safe. */
export const restOutsideTenancy: Record<string, string> = {
  "GET /openapi.json": "the public API description; no tenant data",
  "GET /me": "answers only about the calling token itself",
  "GET /workspaces": "lists only the calling token's own workspace (asserted in cross-tenant.test.ts)",
  "GET /agents": "lists only the token's own workspace's agents (asserted in cross-tenant.test.ts)",
  "POST /agents": "writes only into the token's own workspace, even under a victim's agent name (asserted in cross-tenant.test.ts)",
  "POST /agents/validate": "validates the sent text; reads no stored data",
  "POST /agents/from-template": "writes only into the token's own workspace, like POST /agents",
  "GET /templates": "the install's templates; no tenant data",
  "GET /schemas/agent.json": "the public agent schema; no tenant data",
  "GET /tools": "lists only the token's own workspace's tools",
  "POST /messages":
    "sends within the token's own workspace; a conversationId of another workspace answers 404 (asserted in messaging.test.ts)",
  "POST /tools": "writes only into the token's own workspace, even under a victim's tool name",
  "GET /secrets": "lists only the token's own workspace's secret names, never values",
  "PUT /secrets/{name}": "writes only into the token's own workspace, even under a victim's secret name",
};

export type TrpcInput = Record<string, unknown>;

/** How to call each tRPC procedure that takes `{ workspace }`, keyed by its path. */
export const trpcFills: Record<string, Fill<TrpcInput>> = {
  "workspaces.get": { fill: (t) => ({ workspace: t.slug }) },
  "workspaces.rename": { fill: (t) => ({ workspace: t.slug, name: "Taken over" }) },
  "workspaces.delete": { fill: (t) => ({ workspace: t.slug, confirm: t.slug }), endsWorkspace: true },
  "members.list": { fill: (t) => ({ workspace: t.slug, limit: 10 }) },
  "members.changeRole": { fill: (t) => ({ workspace: t.slug, userId: t.memberToChange, role: "owner" }), rowParams: ["userId"] },
  "members.remove": { fill: (t) => ({ workspace: t.slug, userId: t.memberToRemove }), rowParams: ["userId"] },
  "members.invite": { fill: (t) => ({ workspace: t.slug, role: "owner", expiresInHours: 24 }) },
  "tokens.list": { fill: (t) => ({ workspace: t.slug }) },
  "tokens.create": { fill: (t) => ({ workspace: t.slug, name: "cross-tenant probe", scopes: ["admin"] }) },
  "tokens.revoke": { fill: (t) => ({ workspace: t.slug, id: t.tokenToRevoke }), rowParams: ["id"] },
  "audit.list": { fill: (t) => ({ workspace: t.slug, action: "workspace.created" }) },
  "usage.get": { fill: (t) => ({ workspace: t.slug }) },
  "system.startProbe": { fill: (t) => ({ workspace: t.slug, durationMs: 0 }) },
  "usage.setQuota": { fill: (t) => ({ workspace: t.slug, name: "members", limit: 1 }) },
  "agents.list": { fill: (t) => ({ workspace: t.slug }) },
  "agents.get": { fill: (t) => ({ workspace: t.slug, name: t.agentName }), rowParams: ["name"] },
  "agents.validate": { fill: (t) => ({ workspace: t.slug, source: 'name = "probe"' }) },
  "agents.push": { fill: (t) => ({ workspace: t.slug, source: probeAgentSource(t.agentName) }) },
  "agents.versions": { fill: (t) => ({ workspace: t.slug, name: t.agentName }), rowParams: ["name"] },
  "agents.version": { fill: (t) => ({ workspace: t.slug, name: t.agentName, number: 1 }), rowParams: ["name"] },
  "agents.diff": { fill: (t) => ({ workspace: t.slug, name: t.agentName, from: 1, to: 2 }), rowParams: ["name"] },
  "agents.activate": { fill: (t) => ({ workspace: t.slug, name: t.agentName, version: 1 }), rowParams: ["name"] },
  "agents.templates": { fill: (t) => ({ workspace: t.slug }) },
  "agents.createFromTemplate": { fill: (t) => ({ workspace: t.slug, template: "summarizer", params: { NAME: "probe-from-template" } }) },
  "tools.list": { fill: (t) => ({ workspace: t.slug }) },
  "tools.get": { fill: (t) => ({ workspace: t.slug, name: t.toolName }), rowParams: ["name"] },
  "tools.versions": { fill: (t) => ({ workspace: t.slug, name: t.toolName }), rowParams: ["name"] },
  "tools.invocations": { fill: (t) => ({ workspace: t.slug, name: t.toolName }), rowParams: ["name"] },
  "tools.invocation": { fill: (t) => ({ workspace: t.slug, name: t.toolName, id: t.invocationId }), rowParams: ["name", "id"] },
  "tools.run": { fill: (t) => ({ workspace: t.slug, name: t.toolName, input: { text: "probe" } }), rowParams: ["name"] },
  "tools.upload": { fill: (t) => ({ workspace: t.slug, ...probeToolUpload(t.toolName) }) },
  "tools.delete": { fill: (t) => ({ workspace: t.slug, name: t.toolName, confirm: t.toolName }), rowParams: ["name"], endsRow: true },
  "messages.send": {
    fill: (t) => ({ workspace: t.slug, capability: "summarize", content: "from the probe", conversationId: t.conversationId }),
    rowParams: ["conversationId"],
  },
  "messages.conversation": { fill: (t) => ({ workspace: t.slug, id: t.conversationId }), rowParams: ["id"] },
  "messages.conversations": { fill: (t) => ({ workspace: t.slug }) },
  "secrets.list": { fill: (t) => ({ workspace: t.slug }) },
  "secrets.set": { fill: (t) => ({ workspace: t.slug, name: t.secretName, value: "taken-over-value" }) },
  "secrets.delete": { fill: (t) => ({ workspace: t.slug, name: t.secretName }), rowParams: ["name"], endsRow: true },
  "agents.delete": { fill: (t) => ({ workspace: t.slug, name: t.agentName, confirm: t.agentName }), rowParams: ["name"], endsRow: true },
};

/** tRPC procedures that take no workspace, and why that is safe. */
export const trpcOutsideTenancy: Record<string, string> = {
  "system.health": "install-wide health; no tenant data",
  "system.probe": "install-wide queue probe; no tenant data",
  "me.get": "the signed-in user and their own workspaces",
  "me.completeOnboarding": "the signed-in user's own flag",
  "workspaces.list": "the signed-in user's own workspaces",
  "workspaces.create": "creates a new workspace owned by the caller",
  "invitations.preview": "addressed by a secret invitation token, not by workspace",
  "invitations.accept": "addressed by a secret invitation token, not by workspace",
};

// ---------------------------------------------------------------------------------------
// Plans: which routes and procedures to call; refuse anything unclassified.

export const routeKey = (route: Pick<Route, "method" | "path">) => `${route.method} ${route.path}`;

export interface RestPlanItem {
  key: string;
  route: Route;
  fill: Fill<RestCall>;
}

function refuseProblems(what: string, problems: string[]) {
  if (problems.length) {
    throw new Error(
      `The cross-tenant probe cannot cover every ${what}:\n  - ${problems.join("\n  - ")}\n` +
        "Add each one to the fill table in test/support/cross-tenant.ts (or, if it truly touches no workspace's data, to the outside-tenancy list with the reason).",
    );
  }
}

/** Every tenant-scoped route (path with {slug}) with its fill; throws on anything unclassified. */
export function planRest(routes: Route[]): RestPlanItem[] {
  const problems: string[] = [];
  const plan: RestPlanItem[] = [];
  const keys = new Set(routes.map(routeKey));
  for (const route of routes) {
    const key = routeKey(route);
    const fill = restFills[key];
    const scoped = route.path.includes("{slug}") || Boolean(fill?.byToken);
    if (fill?.byToken && !fill.rowParams?.length) problems.push(`${key}: a byToken fill must name the victim's rows in rowParams`);
    if (scoped && !fill) problems.push(`${key}: tenant-scoped route without a fill`);
    if (scoped && key in restOutsideTenancy) problems.push(`${key}: has {slug} but is listed as outside tenancy`);
    if (!scoped && !(key in restOutsideTenancy))
      problems.push(`${key}: route without {slug} that is neither a byToken fill nor listed as outside tenancy (how is it scoped?)`);
    if (!scoped && fill) problems.push(`${key}: has a fill but no {slug} in its path`);
    if (scoped && fill) plan.push({ key, route, fill });
  }
  for (const key of [...Object.keys(restFills), ...Object.keys(restOutsideTenancy)]) {
    if (!keys.has(key)) problems.push(`${key}: listed in the probe but no such route exists (stale entry)`);
  }
  refuseProblems("REST route", problems);
  return plan;
}

interface ProcedureLike {
  _def: { type: "query" | "mutation" | "subscription"; inputs: unknown[] };
}

export interface TrpcPlanItem {
  path: string;
  type: "query" | "mutation";
  inputs: z.ZodType[];
  fill: Fill<TrpcInput>;
}

const takesWorkspace = (inputs: unknown[]) => inputs.some((input) => input instanceof z.ZodObject && "workspace" in input.shape);

/** Every procedure that takes `{ workspace }`, with its fill; throws on anything unclassified. */
export function planTrpc(router: { _def: { procedures: object } }): TrpcPlanItem[] {
  // tRPC 11 keeps a flat record of every procedure by its dotted path.
  const procedures = router._def.procedures as Record<string, ProcedureLike>;
  const problems: string[] = [];
  const plan: TrpcPlanItem[] = [];
  for (const [path, procedure] of Object.entries(procedures)) {
    const { type, inputs } = procedure._def;
    const scoped = takesWorkspace(inputs);
    const fill = trpcFills[path];
    if (type === "subscription") {
      problems.push(`${path}: subscriptions are not probed yet; teach the probe to open one`);
      continue;
    }
    if (scoped && !fill) problems.push(`${path}: takes { workspace } but has no fill`);
    if (scoped && path in trpcOutsideTenancy) problems.push(`${path}: takes { workspace } but is listed as outside tenancy`);
    if (!scoped && !(path in trpcOutsideTenancy))
      problems.push(`${path}: takes no { workspace } and is not listed as outside tenancy (how is it scoped?)`);
    if (!scoped && fill) problems.push(`${path}: has a fill but takes no { workspace }`);
    if (inputs.some((input) => !(input instanceof z.ZodType)))
      problems.push(`${path}: an input parser is not a zod schema; the probe cannot check its fill`);
    if (scoped && fill) plan.push({ path, type, inputs: inputs as z.ZodType[], fill });
  }
  for (const path of [...Object.keys(trpcFills), ...Object.keys(trpcOutsideTenancy)]) {
    if (!(path in procedures)) problems.push(`${path}: listed in the probe but no such procedure exists (stale entry)`);
  }
  refuseProblems("tRPC procedure", problems);
  return plan;
}

/** Fills must be valid input: otherwise a 404 could hide behind a 400 that never came. */
function checkRestFill(item: RestPlanItem, call: RestCall) {
  const checks: [string, z.ZodType | undefined, unknown][] = [
    ["params", item.route.params, call.params],
    ["query", item.route.query, call.query ?? {}],
    ["body", item.route.body, call.body],
  ];
  for (const [where, schema, value] of checks) {
    if (!schema) continue;
    const result = schema.safeParse(value);
    if (!result.success) throw new Error(`The probe's fill for ${item.key} has an invalid ${where}: ${result.error.message}`);
  }
  if (!item.route.body && call.body !== undefined) throw new Error(`The probe's fill for ${item.key} sends a body the route does not take`);
}

function checkTrpcFill(item: TrpcPlanItem, input: TrpcInput) {
  for (const schema of item.inputs) {
    const result = schema.safeParse(input);
    if (!result.success) throw new Error(`The probe's fill for ${item.path} is not valid input: ${result.error.message}`);
  }
}

// ---------------------------------------------------------------------------------------
// Calls over HTTP.

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function answer(response: Response): Promise<HttpAnswer> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export async function callRest(baseUrl: string, route: Route, call: RestCall, authorization: string): Promise<HttpAnswer> {
  const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = call.params[name];
    if (value === undefined) throw new Error(`No value for {${name}} of ${routeKey(route)}`);
    return encodeURIComponent(value);
  });
  const query = call.query && Object.keys(call.query).length ? `?${new URLSearchParams(call.query)}` : "";
  const hasBody = call.body !== undefined;
  const response = await fetch(`${baseUrl}/api/v1${path}${query}`, {
    method: route.method,
    headers: { authorization, ...(hasBody ? { "content-type": "application/json" } : {}) },
    body: hasBody ? JSON.stringify(call.body) : undefined,
  });
  return answer(response);
}

/** A tRPC call as the client link makes it (no transformer: raw JSON input). */
export async function callTrpc(
  baseUrl: string,
  path: string,
  type: "query" | "mutation",
  input: unknown,
  cookie: string,
): Promise<HttpAnswer> {
  const url = `${baseUrl}/api/trpc/${path}`;
  const response =
    type === "query"
      ? await fetch(input === undefined ? url : `${url}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie } })
      : await fetch(url, { method: "POST", headers: { cookie, "content-type": "application/json" }, body: JSON.stringify(input) });
  return answer(response);
}

// ---------------------------------------------------------------------------------------
// What must not change, and what a refusal must look like.

/** The victim's rows the probe must leave untouched. */
export async function snapshotWorkspace(workspaceId: string) {
  const db = getDb();
  const [
    workspace,
    memberships,
    tokens,
    invitations,
    quotas,
    auditEvents,
    agents,
    agentVersions,
    tools,
    toolInvocations,
    messages,
    secrets,
  ] = await Promise.all([
    db.workspace.findUnique({ where: { id: workspaceId } }),
    db.membership.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    db.apiToken.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    db.invitation.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    db.quota.findMany({ where: { workspaceId }, orderBy: { name: "asc" } }),
    db.auditEvent.count({ where: { workspaceId } }),
    db.agent.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    db.agentVersion.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    db.tool.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    db.toolInvocation.count({ where: { workspaceId } }),
    db.message.count({ where: { workspaceId } }),
    db.secret.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
  ]);
  return {
    workspace,
    memberships,
    tokens,
    invitations,
    quotas,
    auditEvents,
    agents,
    agentVersions,
    tools,
    toolInvocations,
    messages,
    secrets,
  };
}

/** Words of the victim that must not appear in an answer to an outsider. */
export interface Secrets {
  workspaceId: string;
  workspaceName: string;
}

const leaks = (text: string, secrets: Secrets) =>
  [secrets.workspaceId, secrets.workspaceName].filter((secret) => text.includes(secret)).map((secret) => `leaks "${secret}"`);

/** Problems with a REST answer that should be the standard 404; [] when it is one. */
export function restNotFoundProblems(got: HttpAnswer, secrets: Secrets): string[] {
  const problems: string[] = [];
  if (got.status !== 404) problems.push(`status ${got.status}, expected 404`);
  const body = got.json as { error?: Record<string, unknown> } | undefined;
  const error = body?.error;
  if (!body || typeof body !== "object" || Object.keys(body).join() !== "error" || !error || typeof error !== "object") {
    problems.push(`body is not { error: {...} }: ${got.text.slice(0, 200)}`);
  } else {
    if (error.code !== "not_found") problems.push(`error.code ${JSON.stringify(error.code)}, expected "not_found"`);
    if (typeof error.message !== "string" || !error.message) problems.push("error.message missing");
    if (error.hint !== undefined && typeof error.hint !== "string") problems.push("error.hint is not a string");
    const extra = Object.keys(error).filter((k) => !["code", "message", "details", "hint"].includes(k));
    if (extra.length) problems.push(`unexpected error fields: ${extra.join(", ")}`);
  }
  return [...problems, ...leaks(got.text, secrets)];
}

/** Problems with a tRPC answer that should be NOT_FOUND; [] when it is one. */
export function trpcNotFoundProblems(got: HttpAnswer, secrets: Secrets): string[] {
  const problems: string[] = [];
  if (got.status !== 404) problems.push(`status ${got.status}, expected 404`);
  const error = (got.json as { error?: { message?: unknown; data?: Record<string, unknown> } } | undefined)?.error;
  if (!error) problems.push(`no tRPC error in the answer: ${got.text.slice(0, 200)}`);
  else {
    if (error.data?.code !== "NOT_FOUND") problems.push(`data.code ${JSON.stringify(error.data?.code)}, expected "NOT_FOUND"`);
    if (error.data?.appCode !== "not_found") problems.push(`data.appCode ${JSON.stringify(error.data?.appCode)}, expected "not_found"`);
    if (typeof error.message !== "string" || !error.message) problems.push("error.message missing");
  }
  return [...problems, ...leaks(got.text, secrets)];
}

// ---------------------------------------------------------------------------------------
// The probes.

export interface ProbeOptions {
  baseUrl: string;
  victim: TenantTarget & { name: string };
  /** The outsider's own workspace slug: row ids of the victim are also tried under it. */
  outsiderSlug: string;
}

export interface ProbeReport {
  /** One line per request made, `<what> -> <status>`. */
  calls: string[];
}

/**
 * Calls every tenant-scoped REST route as an outsider, with the victim's slug (and again
 * with the outsider's own slug for routes that name the victim's rows), and asserts each
 * answers the standard 404 and leaves the victim's rows as they were.
 */
export async function probeRestAsOutsider(routes: Route[], options: ProbeOptions & { authorization: string }): Promise<ProbeReport> {
  const { baseUrl, victim, outsiderSlug, authorization } = options;
  const secrets = { workspaceId: victim.workspaceId, workspaceName: victim.name };
  const before = await snapshotWorkspace(victim.workspaceId);
  const failures: string[] = [];
  const calls: string[] = [];
  for (const item of planRest(routes)) {
    const call = item.fill.fill(victim);
    checkRestFill(item, call);
    const variants: [string, RestCall][] = [
      [
        item.fill.byToken ? `${item.key} (own token, victim's ${item.fill.rowParams!.join(", ")})` : `${item.key} (victim's workspace)`,
        call,
      ],
    ];
    if (item.fill.rowParams?.length && !item.fill.byToken)
      variants.push([
        `${item.key} (own workspace, victim's ${item.fill.rowParams.join(", ")})`,
        { ...call, params: { ...call.params, slug: outsiderSlug } },
      ]);
    for (const [what, variant] of variants) {
      const got = await callRest(baseUrl, item.route, variant, authorization);
      calls.push(`${what} -> ${got.status}`);
      for (const problem of restNotFoundProblems(got, secrets)) failures.push(`${what}: ${problem}`);
      if (JSON.stringify(await snapshotWorkspace(victim.workspaceId)) !== JSON.stringify(before))
        failures.push(`${what}: changed the victim's rows`);
    }
  }
  expect(failures, "every tenant-scoped REST route answers an outsider 404 and changes nothing").toEqual([]);
  expect(await snapshotWorkspace(victim.workspaceId)).toEqual(before);
  return { calls };
}

/** The same for every tRPC procedure that takes `{ workspace }`, with an outsider's session. */
export async function probeTrpcAsOutsider(
  router: { _def: { procedures: object } },
  options: ProbeOptions & { cookie: string },
): Promise<ProbeReport> {
  const { baseUrl, victim, outsiderSlug, cookie } = options;
  const secrets = { workspaceId: victim.workspaceId, workspaceName: victim.name };
  const before = await snapshotWorkspace(victim.workspaceId);
  const failures: string[] = [];
  const calls: string[] = [];
  for (const item of planTrpc(router)) {
    const input = item.fill.fill(victim);
    checkTrpcFill(item, input);
    const variants: [string, TrpcInput][] = [[`${item.path} (victim's workspace)`, input]];
    if (item.fill.rowParams?.length)
      variants.push([`${item.path} (own workspace, victim's ${item.fill.rowParams.join(", ")})`, { ...input, workspace: outsiderSlug }]);
    for (const [what, variant] of variants) {
      const got = await callTrpc(baseUrl, item.path, item.type, variant, cookie);
      calls.push(`${what} -> ${got.status}`);
      for (const problem of trpcNotFoundProblems(got, secrets)) failures.push(`${what}: ${problem}`);
      if (JSON.stringify(await snapshotWorkspace(victim.workspaceId)) !== JSON.stringify(before))
        failures.push(`${what}: changed the victim's rows`);
    }
  }
  expect(failures, "every workspace procedure answers an outsider NOT_FOUND and changes nothing").toEqual([]);
  expect(await snapshotWorkspace(victim.workspaceId)).toEqual(before);
  return { calls };
}

/**
 * The control: the same calls by an insider (the target's owner) must succeed, which
 * proves the fills address real rows with valid input, so the outsider's 404s come from
 * tenancy and nothing else. Changes the target; the call that ends it goes last.
 */
const lastness = (fill: Fill<unknown>) => (fill.endsWorkspace ? 2 : fill.endsRow ? 1 : 0);

export async function controlRest(
  routes: Route[],
  options: { baseUrl: string; target: TenantTarget; authorization: string },
): Promise<ProbeReport> {
  const plan = planRest(routes).sort((a, b) => lastness(a.fill) - lastness(b.fill));
  const failures: string[] = [];
  const calls: string[] = [];
  for (const item of plan) {
    const call = item.fill.fill(options.target);
    checkRestFill(item, call);
    const got = await callRest(options.baseUrl, item.route, call, options.authorization);
    calls.push(`${item.key} -> ${got.status}`);
    if (got.status < 200 || got.status >= 300) failures.push(`${item.key}: insider got ${got.status} ${got.text.slice(0, 200)}`);
  }
  expect(failures, "an insider succeeds with the very calls the outsider is refused").toEqual([]);
  return { calls };
}

export async function controlTrpc(
  router: { _def: { procedures: object } },
  options: { baseUrl: string; target: TenantTarget; cookie: string },
): Promise<ProbeReport> {
  const plan = planTrpc(router).sort((a, b) => lastness(a.fill) - lastness(b.fill));
  const failures: string[] = [];
  const calls: string[] = [];
  for (const item of plan) {
    const input = item.fill.fill(options.target);
    checkTrpcFill(item, input);
    const got = await callTrpc(options.baseUrl, item.path, item.type, input, options.cookie);
    calls.push(`${item.path} -> ${got.status}`);
    if (got.status !== 200) failures.push(`${item.path}: insider got ${got.status} ${got.text.slice(0, 200)}`);
  }
  expect(failures, "an insider succeeds with the very calls the outsider is refused").toEqual([]);
  return { calls };
}
