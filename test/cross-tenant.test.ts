import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { v1Routes } from "../server/api/v1";
import { route } from "../server/api/route";
import { pushAgent } from "../server/agents/agents";
import { uploadTool } from "../server/tools/tools";
import { sendMessage } from "../server/messaging/messages";
import { createInvitation } from "../server/workspaces/invitations";
import { setQuota } from "../server/quotas/quotas";
import { setSecret } from "../server/secrets/secrets";
import { appRouter } from "../server/trpc/root";
import { sampleAgent } from "./support/agents";
import { recordedInvocation, sampleJsTool } from "./support/tools";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import {
  callRest,
  callTrpc,
  controlRest,
  controlTrpc,
  planRest,
  planTrpc,
  probeRestAsOutsider,
  probeTrpcAsOutsider,
  restOutsideTenancy,
  snapshotWorkspace,
  tenantTarget,
  trpcOutsideTenancy,
} from "./support/cross-tenant";
import { createSessionFor, createWorkspaceWithRoles, type TestSession, type TestToken, type WorkspaceFixture } from "./support/identity";

// `server-only` is a marker package that throws outside a React server bundle; appRouter
// is imported here only to enumerate its procedures (the calls themselves go over HTTP).
vi.mock("server-only", () => ({}));

let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;

/** A workspace with rows of every kind the probe watches: members, tokens, an invitation, a quota. */
async function populatedWorkspace(label: string) {
  const fixture = await createWorkspaceWithRoles(label);
  const owner = await fixture.actor("owner");
  await createInvitation(owner, { role: "member" });
  await setQuota(owner, "tokens", 50);
  const ownerToken = await fixture.token("owner");
  const spareToken = await fixture.token("owner", { name: "spare" });
  const ownerSession = await createSessionFor(fixture.users.owner.id);
  const agentName = `${label.replace(/_/g, "-")}-agent`;
  await pushAgent(owner, sampleAgent(agentName));
  await pushAgent(owner, sampleAgent(agentName, { version: "1.1.0" }));
  const toolName = `${label.replace(/_/g, "-")}-tool`;
  await uploadTool(owner, sampleJsTool(toolName));
  const invocation = await recordedInvocation(fixture.workspace.id, toolName);
  const { message } = await sendMessage(owner, { capability: "summarize", content: "a message the probe must not read" });
  await setSecret(owner, "PROBE_API_KEY", "sk-victim-value");
  return {
    fixture,
    ownerToken,
    spareToken,
    ownerSession,
    target: tenantTarget(fixture, spareToken.id, agentName, toolName, message.conversationId, "PROBE_API_KEY", invocation.id),
  };
}

let victim: Awaited<ReturnType<typeof populatedWorkspace>>;
let outsider: WorkspaceFixture;
let outsiderToken: TestToken;
let outsiderSession: TestSession;

beforeAll(async () => {
  environment = await useTestEnvironment("cross_tenant");
  caxton = await startCaxton(environment.env);
  victim = await populatedWorkspace("victim");
  outsider = await createWorkspaceWithRoles("outsider");
  // The strongest outsider there is: an owner, with every scope, in their own workspace.
  outsiderToken = await outsider.token("owner");
  outsiderSession = await createSessionFor(outsider.users.owner.id);
});

afterAll(async () => {
  await caxton?.stop();
  await environment?.cleanup();
});

describe("the probe's plan", () => {
  it("covers every route with {slug} and every procedure taking { workspace }, and classifies the rest", () => {
    // PUT /secrets/{name} writes into the token's own workspace whatever the name, like POST /agents.
    const scopedRoutes = v1Routes.filter(
      (r) =>
        r.path.includes("{slug}") ||
        /^\/(agents|tools)\/\{name\}|^\/conversations\/\{id\}/.test(r.path) ||
        (r.path === "/secrets/{name}" && r.method !== "PUT"),
    );
    expect(planRest(v1Routes).map((p) => p.key)).toEqual(scopedRoutes.map((r) => `${r.method} ${r.path}`));
    expect(scopedRoutes.length + Object.keys(restOutsideTenancy).length).toBe(v1Routes.length);
    const procedures = Object.keys(appRouter._def.procedures);
    expect(planTrpc(appRouter).length + Object.keys(trpcOutsideTenancy).length).toBe(procedures.length);
  });

  it("fails loudly on a route or procedure it does not know how to fill", () => {
    const unknownScoped = route({ method: "GET", path: "/workspaces/{slug}/agents", tag: "x", summary: "x", async handler() {} });
    expect(() => planRest([...v1Routes, unknownScoped])).toThrow(/GET \/workspaces\/\{slug\}\/agents: tenant-scoped route without a fill/);
    const unknownUnscoped = route({ method: "GET", path: "/agents/{id}/x", tag: "x", summary: "x", async handler() {} });
    expect(() => planRest([...v1Routes, unknownUnscoped])).toThrow(/GET \/agents\/\{id\}\/x: route without \{slug\} that is neither/);
    expect(() => planRest(v1Routes.filter((r) => r.path !== "/workspaces/{slug}/usage"))).toThrow(
      /GET \/workspaces\/\{slug\}\/usage: .*stale entry/,
    );

    const procedures = appRouter._def.procedures as Record<string, unknown>;
    const withNewScoped = { _def: { procedures: { ...procedures, "things.get": procedures["workspaces.get"] } } };
    expect(() => planTrpc(withNewScoped)).toThrow(/things\.get: takes \{ workspace \} but has no fill/);
    const withNewUnscoped = { _def: { procedures: { ...procedures, "things.byId": procedures["system.probe"] } } };
    expect(() => planTrpc(withNewUnscoped)).toThrow(/things\.byId: takes no \{ workspace \} and is not listed/);
  });
});

describe("REST /api/v1 with another workspace's token", () => {
  it("the outsider's token is valid in its own workspace (so a 404 is tenancy, not a bad token)", async () => {
    const own = planRest(v1Routes).find((p) => p.key === "GET /workspaces/{slug}")!;
    const got = await callRest(caxton.url, own.route, { params: { slug: outsider.workspace.slug } }, outsiderToken.authorization);
    expect(got.status).toBe(200);
  });

  it("an insider succeeds with the very calls the probe makes (control, on a twin workspace)", async () => {
    const twin = await populatedWorkspace("twin_rest");
    const report = await controlRest(v1Routes, { baseUrl: caxton.url, target: twin.target, authorization: twin.ownerToken.authorization });
    expect(report.calls.at(-1)).toBe("DELETE /workspaces/{slug} -> 204");
  });

  it("every tenant-scoped route answers 404 with the standard error shape and changes nothing", async () => {
    const report = await probeRestAsOutsider(v1Routes, {
      baseUrl: caxton.url,
      victim: victim.target,
      outsiderSlug: outsider.workspace.slug,
      authorization: outsiderToken.authorization,
    });
    // Each scoped route once, plus once more under the outsider's slug for each row id.
    const plan = planRest(v1Routes);
    expect(report.calls.length).toBe(plan.length + plan.filter((p) => p.fill.rowParams?.length && !p.fill.byToken).length);
  });

  it("GET /agents lists only the token's own agents; POST /agents under a victim's name lands in the token's workspace", async () => {
    const headers = { authorization: outsiderToken.authorization };
    const before = await snapshotWorkspace(victim.fixture.workspace.id);
    const pushed = await fetch(`${caxton.url}/api/v1/agents`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/toml" },
      body: sampleAgent(victim.target.agentName, { description: "Mine now" }),
    });
    expect(pushed.status).toBe(200);
    expect(((await pushed.json()) as { outcome: string }).outcome).toBe("created");
    const list = (await (await fetch(`${caxton.url}/api/v1/agents`, { headers })).json()) as {
      items: { name: string; description: string }[];
    };
    expect(list.items).toEqual([expect.objectContaining({ name: victim.target.agentName, description: "Mine now" })]);
    expect(await snapshotWorkspace(victim.fixture.workspace.id)).toEqual(before);
    // Leave the outsider without that name again, so the probe's byToken calls keep missing.
    const deleted = await fetch(`${caxton.url}/api/v1/agents/${victim.target.agentName}`, {
      method: "DELETE",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ confirm: victim.target.agentName }),
    });
    expect(deleted.status).toBe(204);
  });

  it("GET /workspaces lists only the token's own workspace", async () => {
    const response = await fetch(`${caxton.url}/api/v1/workspaces`, { headers: { authorization: outsiderToken.authorization } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: { slug: string }[] };
    expect(body.items.map((w) => w.slug)).toEqual([outsider.workspace.slug]);
  });
});

describe("tRPC /api/trpc with another workspace's session", () => {
  it("the outsider's session works in its own workspace", async () => {
    const got = await callTrpc(caxton.url, "workspaces.get", "query", { workspace: outsider.workspace.slug }, outsiderSession.cookie);
    expect(got.status).toBe(200);
  });

  it("an insider succeeds with the very calls the probe makes (control, on a twin workspace)", async () => {
    const twin = await populatedWorkspace("twin_trpc");
    const report = await controlTrpc(appRouter, { baseUrl: caxton.url, target: twin.target, cookie: twin.ownerSession.cookie });
    expect(report.calls.at(-1)).toBe("workspaces.delete -> 200");
  });

  it("every procedure taking { workspace } answers NOT_FOUND and changes nothing", async () => {
    const report = await probeTrpcAsOutsider(appRouter, {
      baseUrl: caxton.url,
      victim: victim.target,
      outsiderSlug: outsider.workspace.slug,
      cookie: outsiderSession.cookie,
    });
    const plan = planTrpc(appRouter);
    expect(report.calls.length).toBe(plan.length + plan.filter((p) => p.fill.rowParams?.length).length);
  });

  it("workspaces.list and me.get show the outsider only their own workspace", async () => {
    const list = await callTrpc(caxton.url, "workspaces.list", "query", undefined, outsiderSession.cookie);
    expect(list.status).toBe(200);
    expect((list.json as { result: { data: { slug: string }[] } }).result.data.map((w) => w.slug)).toEqual([outsider.workspace.slug]);
    const me = await callTrpc(caxton.url, "me.get", "query", undefined, outsiderSession.cookie);
    expect(me.text).not.toContain(victim.fixture.workspace.id);
  });
});
