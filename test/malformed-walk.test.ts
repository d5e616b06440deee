import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { pushAgent } from "../server/agents/agents";
import { getDb } from "../server/db/client";
import { sendMessage } from "../server/messaging/messages";
import { quotaNames, setQuota } from "../server/quotas/quotas";
import { setSecret } from "../server/secrets/secrets";
import { uploadTool } from "../server/tools/tools";
import { appRouter } from "../server/trpc/root";
import { sampleAgent } from "./support/agents";
import { restFills, tenantTarget, trpcFills, type RestCall, type TenantTarget } from "./support/cross-tenant";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createSessionFor, createWorkspaceWithRoles, type TestSession, type TestToken, type WorkspaceFixture } from "./support/identity";
import { agentDocuments, jsonValues, nestedArrays, nestedObjects, oddAuthorizations, oddCookies, toolManifests, send, serverFailures, urlValues, wholeBodies, withProperty, type WalkResult } from "./support/malformed";
import { sampleJsTool } from "./support/tools";

// appRouter is imported only to list its procedures; calls go over HTTP.
vi.mock("server-only", () => ({}));

/**
 * The 5xx walk: every route of the OpenAPI document, every tRPC procedure, the MCP endpoint
 * and the SSE endpoint, called with generated malformed variants of otherwise valid
 * requests (a real workspace's rows, an admin token). Any 5xx, reset connection or crashed
 * process fails the walk, listing the variants.
 */

let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
interface Walked {
  ws: WorkspaceFixture;
  token: TestToken;
  session: TestSession;
  target: TenantTarget;
}
/** Two workspaces: the REST walk ends by deleting its own, the other walks use the second. */
let rest: Walked;
let other: Walked;

const toolUpload = (name: string) => {
  const upload = sampleJsTool(name, { version: "9.9.9" });
  return { manifest: upload.manifest as string, format: upload.format, module: Buffer.from(upload.module).toString("base64") };
};

/** Valid calls for the routes the cross-tenant fills do not cover (they touch only the token's workspace). */
const ownFills: Record<string, (t: TenantTarget) => RestCall> = {
  "GET /openapi.json": () => ({ params: {} }),
  "GET /me": () => ({ params: {} }),
  "GET /workspaces": () => ({ params: {} }),
  "GET /agents": () => ({ params: {}, query: { limit: "10" } }),
  "POST /agents": () => ({ params: {}, body: { source: sampleAgent("walk-agent") } }),
  "POST /agents/validate": () => ({ params: {}, body: { source: sampleAgent("walk-agent") } }),
  "POST /agents/from-template": () => ({ params: {}, body: { template: "summarizer", params: { NAME: "walk-from-template" } } }),
  "GET /templates": () => ({ params: {} }),
  "GET /schemas/agent.json": () => ({ params: {} }),
  "GET /tools": () => ({ params: {}, query: { limit: "10" } }),
  "POST /tools": (t) => ({ params: {}, body: toolUpload(t.toolName) }),
  "POST /messages": () => ({ params: {}, body: { capability: "summarize", content: "hello" } }),
  "GET /secrets": () => ({ params: {} }),
  "PUT /secrets/{name}": () => ({ params: { name: "WALK_SECRET" }, body: { value: "walk-value" } }),
};

interface Operation {
  method: string;
  path: string;
  parameters?: { name: string; in: "path" | "query" }[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
}

/** Deletes last, the workspace's own deletion very last: the walk must keep reaching handlers. */
const order = (op: Operation) => (op.method === "delete" ? (op.path.endsWith("/workspaces/{slug}") ? 2 : 1) : 0);

/** A workspace with rows of every kind, its owner's token and session. */
async function populatedWorkspace(label: string): Promise<Walked> {
  const ws = await createWorkspaceWithRoles(label);
  const owner = await ws.actor("owner");
  // The walk sends thousands of requests in a minute: lift every limit so none answers 429 instead of reaching its handler.
  for (const name of quotaNames) await setQuota(owner, name, 1_000_000);
  const token = await ws.token("owner");
  const spare = await ws.token("owner", { name: "spare" });
  const session = await createSessionFor(ws.users.owner.id);
  await pushAgent(owner, sampleAgent("walk-target"));
  await pushAgent(owner, sampleAgent("walk-target", { version: "1.1.0" }));
  await uploadTool(owner, sampleJsTool("walk-tool"));
  const { message } = await sendMessage(owner, { capability: "summarize", content: "a message to walk around" });
  await setSecret(owner, "WALK_API_KEY", "sk-walk");
  return { ws, token, session, target: tenantTarget(ws, spare.id, "walk-target", "walk-tool", message.conversationId, "WALK_API_KEY") };
}

beforeAll(async () => {
  environment = await useTestEnvironment("malformed_walk");
  caxton = await startCaxton(environment.env);
  rest = await populatedWorkspace("walk_rest");
  other = await populatedWorkspace("walk_other");
}, 120_000);

afterAll(async () => {
  await caxton?.stop();
  await environment?.cleanup();
});

/** After the walk: still running, still answering, and every variant got past authentication (so it reached the input checks). */
async function expectAlive(results: WalkResult[]) {
  expect(results.filter((r) => r.status === 401 && !r.what.includes("authorization:")).map((r) => r.what), "variants refused as unauthenticated test nothing").toEqual([]);
  expect(caxton.process.exitCode, `the process exited:\n${caxton.output().slice(-3000)}`).toBeNull();
  const health = await send("GET /api/health", `${caxton.url}/api/health`, {});
  expect(health.status).toBe(200);
  console.log(`[malformed walk] ${results.length} variants, ${serverFailures(results).length} answered 5xx or broke the connection`);
}

describe("the 5xx walk", () => {
  it("answers every malformed variant of every REST route in the OpenAPI document with a 4xx", async () => {
    const document = (await (await fetch(`${caxton.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, Omit<Operation, "method" | "path">>> };
    const operations = Object.entries(document.paths)
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]): Operation => ({ ...op, method, path: path.replace(/^\/api\/v1/, "") })))
      .sort((a, b) => order(a) - order(b));
    expect(operations.length).toBeGreaterThan(30);

    const results: WalkResult[] = [];
    const missing: string[] = [];
    for (const op of operations) {
      const key = `${op.method.toUpperCase()} ${op.path}`;
      const fill = restFills[key]?.fill ?? ownFills[key];
      if (!fill) {
        missing.push(key);
        continue;
      }
      const call = fill(rest.target);
      const headers = (extra: Record<string, string> = {}) => ({ authorization: rest.token.authorization, ...extra });
      const urlOf = (params: Record<string, string>, query: Record<string, string>) => {
        const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? encodeURIComponent(call.params[name]!));
        const search = Object.entries(query).map(([k, v]) => `${k}=${v}`).join("&");
        return `${caxton.url}/api/v1${path}${search ? `?${search}` : ""}`;
      };
      const validQuery = Object.fromEntries(Object.entries(call.query ?? {}).map(([k, v]) => [k, encodeURIComponent(v)]));
      // Variants that keep the body whole must not delete what later variants need: a delete's confirmation is made not to match.
      const harmless = op.method === "delete" && call.body ? Object.fromEntries(Object.entries(call.body).map(([k, v]) => [k, typeof v === "string" ? `${v}-not-this-one` : v])) : call.body;
      const baseline = harmless === undefined ? undefined : JSON.stringify(harmless);
      const method = op.method.toUpperCase();
      const bodyInit = (contentType: string | null, body: string | Uint8Array<ArrayBuffer> | undefined): RequestInit => ({
        method,
        headers: headers(contentType ? { "content-type": contentType } : {}),
        ...(body !== undefined ? { body } : {}),
      });

      for (const parameter of op.parameters ?? []) {
        for (const [label, value] of Object.entries(urlValues)) {
          const url = parameter.in === "path" ? urlOf({ [parameter.name]: value }, validQuery) : urlOf({}, { ...validQuery, [parameter.name]: value });
          results.push(await send(`${key} ${parameter.in} ${parameter.name}=${label}`, url, bodyInit(baseline ? "application/json" : null, baseline)));
        }
      }
      results.push(await send(`${key} unknown query parameter`, urlOf({}, { ...validQuery, unknown: "1" }), bodyInit(baseline ? "application/json" : null, baseline)));
      results.push(await send(`${key} repeated query parameter`, `${urlOf({}, validQuery)}${Object.keys(validQuery).length ? "&" : "?"}limit=1&limit=2`, bodyInit(baseline ? "application/json" : null, baseline)));

      const properties = Object.keys(op.requestBody?.content["application/json"]?.schema.properties ?? {});
      if (op.requestBody) {
        for (const property of properties) {
          for (const [label, raw] of Object.entries(jsonValues)) {
            results.push(await send(`${key} body ${property}=${label}`, urlOf({}, validQuery), bodyInit("application/json", withProperty(call.body as Record<string, unknown>, property, raw))));
          }
        }
        for (const [label, raw] of Object.entries(jsonValues)) {
          results.push(await send(`${key} body unknown property=${label}`, urlOf({}, validQuery), bodyInit("application/json", withProperty(call.body as Record<string, unknown>, "unknownProperty", raw))));
        }
        const document = call.body as Record<string, unknown>;
        if (typeof document.source === "string") {
          for (const [label, source] of Object.entries(agentDocuments("walk-document"))) {
            results.push(await send(`${key} document: ${label}`, urlOf({}, validQuery), bodyInit("application/json", JSON.stringify({ ...document, source }))));
            results.push(await send(`${key} document (TOML body): ${label}`, urlOf({}, validQuery), bodyInit("application/toml", source)));
          }
        }
        if (typeof document.manifest === "string") {
          for (const [label, format, manifest] of toolManifests("walk-document")) {
            results.push(await send(`${key} manifest: ${label}`, urlOf({}, validQuery), bodyInit("application/json", JSON.stringify({ ...document, format, manifest }))));
          }
        }
        for (const [label, contentType, body] of wholeBodies(baseline!)) {
          // Only the document routes take these media types with a valid body: keep their deletes from succeeding.
          results.push(await send(`${key} whole body: ${label}`, urlOf({}, validQuery), bodyInit(contentType, body)));
        }
      }
      for (const [label, authorization] of Object.entries(oddAuthorizations)) {
        results.push(await send(`${key} authorization: ${label}`, urlOf({}, validQuery), { method, headers: { authorization } }));
      }
    }
    expect(missing, "every route of the OpenAPI document needs a valid call to start from (ownFills)").toEqual([]);
    await expectAlive(results);
    expect(serverFailures(results)).toEqual([]);
  }, 600_000);

  it("answers malformed input to every tRPC procedure with a 4xx", async () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: "query" | "mutation" } }>;
    const outside: Record<string, Record<string, unknown> | undefined> = {
      "system.health": undefined,
            "system.probe": { id: "00000000-0000-4000-8000-000000000000" },
      "me.get": undefined,
      "me.completeOnboarding": undefined,
      "workspaces.list": undefined,
      "workspaces.create": { name: "Walk" },
      "invitations.preview": { token: "no-such-invitation" },
      "invitations.accept": { token: "no-such-invitation" },
    };
    const paths = Object.keys(procedures).sort((a, b) => Number(a === "workspaces.delete") - Number(b === "workspaces.delete"));
    const results: WalkResult[] = [];
    const missing = paths.filter((p) => !(p in outside) && !trpcFills[p]);
    const trpcValues = Object.entries(jsonValues).filter(([label]) => label !== "huge string");
    for (const path of paths) {
      const { type } = procedures[path]!._def;
      const base = path in outside ? outside[path] : trpcFills[path]?.fill(other.target);
      if (!base && !(path in outside)) continue;
      const call = (label: string, text: string) =>
        send(
          `${path} ${label}`,
          type === "query" ? `${caxton.url}/api/trpc/${path}?input=${encodeURIComponent(text)}` : `${caxton.url}/api/trpc/${path}`,
          type === "query" ? { headers: { cookie: other.session.cookie } } : { method: "POST", headers: { cookie: other.session.cookie, "content-type": "application/json" }, body: text },
        );
      for (const property of Object.keys(base ?? { input: 1 })) {
        for (const [label, raw] of trpcValues) results.push(await call(`${property}=${label}`, withProperty(base ?? {}, property, raw)));
      }
      // tRPC reads a body with a byte-order mark as the JSON after it, so a whole-input variant may be valid:
      // every string but the workspace is made not to match, so no delete or revoke succeeds.
      const harmless = Object.fromEntries(Object.entries(base ?? {}).map(([k, v]) => [k, typeof v === "string" && k !== "workspace" ? `${v}-not-this-one` : v]));
      for (const [label, , body] of wholeBodies(JSON.stringify(harmless)).slice(0, 13)) {
        if (typeof body === "string" && (type === "mutation" || body.length < 12_000)) results.push(await call(`whole input: ${label}`, body));
      }
      if (type === "query") results.push(await send(`${path} input=%ED%A0%80`, `${caxton.url}/api/trpc/${path}?input=%ED%A0%80`, { headers: { cookie: other.session.cookie } }));
    }
    // Batches, as the dashboard's client sends them: each call is checked on its own.
    const slug = other.ws.workspace.slug;
    const batchInput = (second: string) => encodeURIComponent(`{"0":{"workspace":"${slug}"},"1":${second}}`);
    for (const [label, raw] of trpcValues) {
      results.push(await send(`batch GET workspaces.get,agents.get name=${label}`, `${caxton.url}/api/trpc/workspaces.get,agents.get?batch=1&input=${batchInput(withProperty({ workspace: slug }, "name", raw))}`, { headers: { cookie: other.session.cookie } }));
    }
    results.push(await send("batch POST with a missing entry", `${caxton.url}/api/trpc/workspaces.get,agents.get?batch=1`, { method: "POST", headers: { cookie: other.session.cookie, "content-type": "application/json" }, body: `{"1":${nestedArrays(5_000)}}` }));
    // Odd session cookies: Auth.js looks the token up, so each must be a plain 401.
    for (const [label, cookie] of Object.entries(oddCookies)) {
      results.push(await send(`me.get authorization: cookie ${label}`, `${caxton.url}/api/trpc/me.get`, { headers: { cookie } }));
      results.push(await send(`SSE authorization: cookie ${label}`, `${caxton.url}/api/events?workspace=${other.ws.workspace.slug}`, { headers: { cookie } }));
    }
    expect(missing, "every procedure needs a valid input to start from").toEqual([]);
    await expectAlive(results);
    expect(serverFailures(results)).toEqual([]);
  }, 600_000);

  it("answers malformed MCP calls with a 4xx or a JSON-RPC error, never a 5xx", async () => {
    const results: WalkResult[] = [];
    const mcp = (label: string, body: string | Uint8Array<ArrayBuffer>, contentType: string | null = "application/json") =>
      send(`MCP ${label}`, `${caxton.url}/api/mcp`, {
        method: "POST",
        headers: { authorization: other.token.authorization, accept: "application/json, text/event-stream", ...(contentType ? { "content-type": contentType } : {}) },
        body,
      });
    const callText = (name: string, args: string) => `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":${name},"arguments":${args}}}`;
    for (const [label, raw] of Object.entries(jsonValues)) {
      results.push(await mcp(`tools/call arguments.text=${label}`, callText('"word-count"', `{"text":${raw}}`)));
      results.push(await mcp(`tools/call arguments=${label}`, callText('"word-count"', raw)));
      results.push(await mcp(`tools/call name=${label}`, callText(raw, "{}")));
      results.push(await mcp(`tools/list id=${label}`, `{"jsonrpc":"2.0","id":${raw},"method":"tools/list"}`));
    }
    for (const [label, contentType, body] of wholeBodies('{"jsonrpc":"2.0","id":1,"method":"tools/list"}')) results.push(await mcp(`whole body: ${label}`, body, contentType));
    await expectAlive(results);
    expect(serverFailures(results)).toEqual([]);
  }, 600_000);

  it("answers malformed SSE query parameters with a 4xx", async () => {
    const results: WalkResult[] = [];
    for (const [label, value] of Object.entries(urlValues)) {
      results.push(await send(`SSE (session) workspace=${label}`, `${caxton.url}/api/events?workspace=${value}`, { headers: { cookie: other.session.cookie } }));
      results.push(await send(`SSE (token) workspace=${label}`, `${caxton.url}/api/events?workspace=${value}`, { headers: { authorization: other.token.authorization } }));
      results.push(await send(`SSE (token) conversation=${label}`, `${caxton.url}/api/events?conversation=${value}&agent=${value}`, { headers: { authorization: other.token.authorization } }));
    }
    for (const [label, authorization] of Object.entries(oddAuthorizations)) results.push(await send(`SSE authorization: ${label}`, `${caxton.url}/api/events`, { headers: { authorization } }));
    await expectAlive(results);
    expect(serverFailures(results)).toEqual([]);
  }, 120_000);
});

describe("the refusals say what, where and what to do", () => {
  const api = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${caxton.url}/api/v1${path}`, { ...init, headers: { authorization: other.token.authorization, "content-type": "application/json", ...(init.headers as Record<string, string>) } });
    return { status: response.status, body: (await response.json()) as { error: { code: string; message: string; hint?: string; details?: { path: string }[] } } };
  };
  const expectRefusal = (got: Awaited<ReturnType<typeof api>>, code: string, field: RegExp) => {
    expect(got.status, JSON.stringify(got.body)).toBe(400);
    expect(Object.keys(got.body)).toEqual(["error"]);
    expect(got.body.error.code).toBe(code);
    expect(got.body.error.message).toMatch(field);
    expect(got.body.error.hint).toMatch(/\S/);
  };
  // Requests only: the worker stores replies to earlier requests at any time.
  const messageCount = () => getDb().message.count({ where: { workspaceId: other.ws.workspace.id, performative: "REQUEST" } });

  it("refuses a NUL character in a message's content, naming the field, and stores nothing", async () => {
    const before = await messageCount();
    const got = await api("/messages", { method: "POST", body: '{"capability":"summarize","content":"a\\u0000b"}' });
    expectRefusal(got, "invalid_text", /body field `content` contains a NUL character \(\\u0000\) at position 1/);
    expect(got.body.error.details).toEqual([{ in: "body", path: "content", code: "nul_character", position: 1 }]);
    const nested = await api("/messages", { method: "POST", body: '{"capability":"summarize","content":{"doc":{"lines":["ok","a\\u0000"]}}}' });
    expectRefusal(nested, "invalid_text", /`content\.doc\.lines\[1\]`/);
    expect(await messageCount()).toBe(before);
  });

  it("refuses a lone surrogate in a workspace name", async () => {
    const nameOf = async () => (await getDb().workspace.findUniqueOrThrow({ where: { id: other.ws.workspace.id } })).name;
    const before = await nameOf();
    const got = await api(`/workspaces/${other.ws.workspace.slug}`, { method: "PATCH", body: '{"name":"\\ud800x"}' });
    expectRefusal(got, "invalid_text", /body field `name` contains a lone UTF-16 surrogate \(\\ud800\) at position 0/);
    expect(await nameOf()).toBe(before);
  });

  it("refuses nesting past 64 levels before parsing, and takes reasonable nesting", async () => {
    const before = await messageCount();
    expectRefusal(await api(`/tools/walk-tool/run`, { method: "POST", body: `{"input":${nestedObjects(150)}}` }), "too_deep", /nests deeper than 64 levels/);
    expectRefusal(await api("/messages", { method: "POST", body: `{"capability":"summarize","content":${nestedObjects(5_000)}}` }), "too_deep", /nests deeper than 64 levels/);
    expect(await messageCount()).toBe(before);
    const fine = await api("/messages", { method: "POST", body: `{"capability":"summarize","content":${nestedObjects(60)}}` });
    expect(fine.status, JSON.stringify(fine.body)).toBe(200);
    expect(await messageCount()).toBe(before + 1);
  });

  it("refuses integers out of range in the path and query", async () => {
    for (const to of ["99999999999999", "1e309", "-1", "abc", "1.5"]) {
      expectRefusal(await api(`/agents/walk-target/diff?from=1&to=${to}`), "validation_failed", /\bto\b/);
    }
    expectRefusal(await api("/agents/walk-target/versions/99999999999999"), "validation_failed", /\bnumber\b/);
  });

  it("refuses a cursor it did not hand out with invalid_cursor", async () => {
    for (const cursor of ["a%00b", "eyJpZCI6MX0%3D", "%ED%A0%80", "x".repeat(101)]) {
      expectRefusal(await api(`/agents?cursor=${cursor}`), "invalid_cursor", /`cursor`/);
    }
    expect((await api("/agents?limit=1")).status).toBe(200);
  });

  it("answers tRPC and MCP with the same refusal", async () => {
    const trpc = await fetch(`${caxton.url}/api/trpc/messages.send`, {
      method: "POST",
      headers: { cookie: other.session.cookie, "content-type": "application/json" },
      body: JSON.stringify({ workspace: other.ws.workspace.slug, capability: "summarize", content: "a\u0000b" }),
    });
    expect(trpc.status).toBe(400);
    expect(((await trpc.json()) as { error: { message: string; data: { appCode: string } } }).error).toMatchObject({ message: expect.stringMatching(/input field `content` contains a NUL/), data: { appCode: "invalid_text" } });
    const mcp = await fetch(`${caxton.url}/api/mcp`, {
      method: "POST",
      headers: { authorization: other.token.authorization, accept: "application/json, text/event-stream", "content-type": "application/json" },
      body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"word-count","arguments":{"text":"\\ud800"}}}`,
    });
    expect(mcp.status).toBe(400);
    expect(((await mcp.json()) as { error: { message: string } }).error.message).toMatch(/`params\.arguments\.text` contains a lone UTF-16 surrogate/);
  });
});
