import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { appRouter } from "../server/trpc/root";
import { sampleAgent } from "./support/agents";
import { restFills, trpcFills, type RestCall, type TenantTarget } from "./support/cross-tenant";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import {
  agentDocuments,
  jsonValues,
  nestedArrays,
  oddAuthorizations,
  oddCookies,
  toolManifests,
  send,
  serverFailures,
  urlValues,
  wholeBodies,
  withProperty,
  type WalkResult,
} from "./support/malformed";
import { sampleJsTool } from "./support/tools";
import { populatedWorkspace, type Walked } from "./support/walk-workspace";

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
  expect(
    results.filter((r) => r.status === 401 && !r.what.includes("authorization:")).map((r) => r.what),
    "variants refused as unauthenticated test nothing",
  ).toEqual([]);
  expect(caxton.process.exitCode, `the process exited:\n${caxton.output().slice(-3000)}`).toBeNull();
  const health = await send("GET /api/health", `${caxton.url}/api/health`, {});
  expect(health.status).toBe(200);
  console.log(`[malformed walk] ${results.length} variants, ${serverFailures(results).length} answered 5xx or broke the connection`);
}

describe("the 5xx walk", () => {
  it("answers every malformed variant of every REST route in the OpenAPI document with a 4xx", async () => {
    const document = (await (await fetch(`${caxton.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Omit<Operation, "method" | "path">>>;
    };
    const operations = Object.entries(document.paths)
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]): Operation => ({ ...op, method, path: path.replace(/^\/api\/v1/, "") })),
      )
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
        const search = Object.entries(query)
          .map(([k, v]) => `${k}=${v}`)
          .join("&");
        return `${caxton.url}/api/v1${path}${search ? `?${search}` : ""}`;
      };
      const validQuery = Object.fromEntries(Object.entries(call.query ?? {}).map(([k, v]) => [k, encodeURIComponent(v)]));
      // Variants that keep the body whole must not delete what later variants need: a delete's confirmation is made not to match.
      const harmless =
        op.method === "delete" && call.body
          ? Object.fromEntries(Object.entries(call.body).map(([k, v]) => [k, typeof v === "string" ? `${v}-not-this-one` : v]))
          : call.body;
      const baseline = harmless === undefined ? undefined : JSON.stringify(harmless);
      const method = op.method.toUpperCase();
      const bodyInit = (contentType: string | null, body: string | Uint8Array<ArrayBuffer> | undefined): RequestInit => ({
        method,
        headers: headers(contentType ? { "content-type": contentType } : {}),
        ...(body !== undefined ? { body } : {}),
      });

      for (const parameter of op.parameters ?? []) {
        for (const [label, value] of Object.entries(urlValues)) {
          const url =
            parameter.in === "path"
              ? urlOf({ [parameter.name]: value }, validQuery)
              : urlOf({}, { ...validQuery, [parameter.name]: value });
          results.push(
            await send(`${key} ${parameter.in} ${parameter.name}=${label}`, url, bodyInit(baseline ? "application/json" : null, baseline)),
          );
        }
      }
      results.push(
        await send(
          `${key} unknown query parameter`,
          urlOf({}, { ...validQuery, unknown: "1" }),
          bodyInit(baseline ? "application/json" : null, baseline),
        ),
      );
      results.push(
        await send(
          `${key} repeated query parameter`,
          `${urlOf({}, validQuery)}${Object.keys(validQuery).length ? "&" : "?"}limit=1&limit=2`,
          bodyInit(baseline ? "application/json" : null, baseline),
        ),
      );

      const properties = Object.keys(op.requestBody?.content["application/json"]?.schema.properties ?? {});
      if (op.requestBody) {
        for (const property of properties) {
          for (const [label, raw] of Object.entries(jsonValues)) {
            results.push(
              await send(
                `${key} body ${property}=${label}`,
                urlOf({}, validQuery),
                bodyInit("application/json", withProperty(call.body as Record<string, unknown>, property, raw)),
              ),
            );
          }
        }
        for (const [label, raw] of Object.entries(jsonValues)) {
          results.push(
            await send(
              `${key} body unknown property=${label}`,
              urlOf({}, validQuery),
              bodyInit("application/json", withProperty(call.body as Record<string, unknown>, "unknownProperty", raw)),
            ),
          );
        }
        const document = call.body as Record<string, unknown>;
        if (typeof document.source === "string") {
          for (const [label, source] of Object.entries(agentDocuments("walk-document"))) {
            results.push(
              await send(
                `${key} document: ${label}`,
                urlOf({}, validQuery),
                bodyInit("application/json", JSON.stringify({ ...document, source })),
              ),
            );
            results.push(await send(`${key} document (TOML body): ${label}`, urlOf({}, validQuery), bodyInit("application/toml", source)));
          }
        }
        if (typeof document.manifest === "string") {
          for (const [label, format, manifest] of toolManifests("walk-document")) {
            results.push(
              await send(
                `${key} manifest: ${label}`,
                urlOf({}, validQuery),
                bodyInit("application/json", JSON.stringify({ ...document, format, manifest })),
              ),
            );
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
          type === "query"
            ? { headers: { cookie: other.session.cookie } }
            : { method: "POST", headers: { cookie: other.session.cookie, "content-type": "application/json" }, body: text },
        );
      for (const property of Object.keys(base ?? { input: 1 })) {
        for (const [label, raw] of trpcValues) results.push(await call(`${property}=${label}`, withProperty(base ?? {}, property, raw)));
      }
      // tRPC reads a body with a byte-order mark as the JSON after it, so a whole-input variant may be valid:
      // every string but the workspace is made not to match, so no delete or revoke succeeds.
      const harmless = Object.fromEntries(
        Object.entries(base ?? {}).map(([k, v]) => [k, typeof v === "string" && k !== "workspace" ? `${v}-not-this-one` : v]),
      );
      for (const [label, , body] of wholeBodies(JSON.stringify(harmless)).slice(0, 13)) {
        if (typeof body === "string" && (type === "mutation" || body.length < 12_000))
          results.push(await call(`whole input: ${label}`, body));
      }
      if (type === "query")
        results.push(
          await send(`${path} input=%ED%A0%80`, `${caxton.url}/api/trpc/${path}?input=%ED%A0%80`, {
            headers: { cookie: other.session.cookie },
          }),
        );
    }
    // Batches, as the dashboard's client sends them: each call is checked on its own.
    const slug = other.ws.workspace.slug;
    const batchInput = (second: string) => encodeURIComponent(`{"0":{"workspace":"${slug}"},"1":${second}}`);
    for (const [label, raw] of trpcValues) {
      results.push(
        await send(
          `batch GET workspaces.get,agents.get name=${label}`,
          `${caxton.url}/api/trpc/workspaces.get,agents.get?batch=1&input=${batchInput(withProperty({ workspace: slug }, "name", raw))}`,
          { headers: { cookie: other.session.cookie } },
        ),
      );
    }
    results.push(
      await send("batch POST with a missing entry", `${caxton.url}/api/trpc/workspaces.get,agents.get?batch=1`, {
        method: "POST",
        headers: { cookie: other.session.cookie, "content-type": "application/json" },
        body: `{"1":${nestedArrays(5_000)}}`,
      }),
    );
    // Odd session cookies: Auth.js looks the token up, so each must be a plain 401.
    for (const [label, cookie] of Object.entries(oddCookies)) {
      results.push(await send(`me.get authorization: cookie ${label}`, `${caxton.url}/api/trpc/me.get`, { headers: { cookie } }));
      results.push(
        await send(`SSE authorization: cookie ${label}`, `${caxton.url}/api/events?workspace=${other.ws.workspace.slug}`, {
          headers: { cookie },
        }),
      );
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
        headers: {
          authorization: other.token.authorization,
          accept: "application/json, text/event-stream",
          ...(contentType ? { "content-type": contentType } : {}),
        },
        body,
      });
    const callText = (name: string, args: string) =>
      `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":${name},"arguments":${args}}}`;
    for (const [label, raw] of Object.entries(jsonValues)) {
      results.push(await mcp(`tools/call arguments.text=${label}`, callText('"word-count"', `{"text":${raw}}`)));
      results.push(await mcp(`tools/call arguments=${label}`, callText('"word-count"', raw)));
      results.push(await mcp(`tools/call name=${label}`, callText(raw, "{}")));
      results.push(await mcp(`tools/list id=${label}`, `{"jsonrpc":"2.0","id":${raw},"method":"tools/list"}`));
    }
    for (const [label, contentType, body] of wholeBodies('{"jsonrpc":"2.0","id":1,"method":"tools/list"}'))
      results.push(await mcp(`whole body: ${label}`, body, contentType));
    await expectAlive(results);
    expect(serverFailures(results)).toEqual([]);
  }, 600_000);

  it("answers malformed SSE query parameters with a 4xx", async () => {
    const results: WalkResult[] = [];
    for (const [label, value] of Object.entries(urlValues)) {
      results.push(
        await send(`SSE (session) workspace=${label}`, `${caxton.url}/api/events?workspace=${value}`, {
          headers: { cookie: other.session.cookie },
        }),
      );
      results.push(
        await send(`SSE (token) workspace=${label}`, `${caxton.url}/api/events?workspace=${value}`, {
          headers: { authorization: other.token.authorization },
        }),
      );
      results.push(
        await send(`SSE (token) conversation=${label}`, `${caxton.url}/api/events?conversation=${value}&agent=${value}`, {
          headers: { authorization: other.token.authorization },
        }),
      );
    }
    for (const [label, authorization] of Object.entries(oddAuthorizations))
      results.push(await send(`SSE authorization: ${label}`, `${caxton.url}/api/events`, { headers: { authorization } }));
    await expectAlive(results);
    expect(serverFailures(results)).toEqual([]);
  }, 120_000);
});
