import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../server/lib/request-body";
import { dispatchV1, v1Routes } from "../server/api/v1";
import { permissionsOf, scopes } from "../server/auth/permissions";
import { sha256 } from "../server/auth/secrets";
import { getDb } from "../server/db/client";
import { setQuota } from "../server/quotas/quotas";
import { hit } from "../server/quotas/rate-limit";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createToken, createWorkspaceWithRoles, type TestToken, type WorkspaceFixture } from "./support/identity";

let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let ws: WorkspaceFixture;
let ownerToken: TestToken;

beforeAll(async () => {
  environment = await useTestEnvironment("rest_api");
  caxton = await startCaxton(environment.env);
  ws = await createWorkspaceWithRoles("rest");
  ownerToken = await ws.token("owner");
});

afterAll(async () => {
  await caxton?.stop();
  await environment?.cleanup();
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
  body: any;
}

async function api(path: string, init: RequestInit & { token?: TestToken | string | null } = {}): Promise<Answer> {
  const { token = ownerToken, headers, ...rest } = init;
  const authorization = token === null ? undefined : typeof token === "string" ? token : token.authorization;
  const response = await fetch(`${caxton.url}/api/v1${path}`, {
    ...rest,
    headers: { ...(authorization ? { authorization } : {}), ...(headers as Record<string, string> | undefined) },
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

const json = (body: unknown, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { "content-type": "application/json", ...(init.headers as Record<string, string> | undefined) },
  body: JSON.stringify(body),
});

/** The one error shape: `{ error: { code, message, details?, hint? } }`, a 4xx, never a 500. */
function expectClientError(answer: Answer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(Object.keys(answer.body ?? {})).toEqual(["error"]);
  expect(answer.body.error).toMatchObject({ code, message: expect.stringMatching(/\S/) });
  for (const key of Object.keys(answer.body.error)) expect(["code", "message", "details", "hint"]).toContain(key);
  if ("hint" in answer.body.error) expect(answer.body.error.hint).toMatch(/\S/);
  expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
}

const tokensPath = () => `/workspaces/${ws.workspace.slug}/tokens`;

describe("GET /me", () => {
  it("says who the token acts as, with its scopes and resulting permissions", async () => {
    const me = await api("/me");
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      user: { id: ws.users.owner.id, name: expect.any(String), email: ws.users.owner.email },
      workspace: { id: ws.workspace.id, slug: ws.workspace.slug },
      role: "owner",
      scopes: [...scopes],
      permissions: permissionsOf({ role: "owner", scopes }),
    });
    expect(me.body.permissions).toContain("workspace.delete");
  });

  it("a member's read-only token has only the permissions that need no scope", async () => {
    const readOnly = await ws.token("member", { scopes: ["agents:read"] });
    const me = await api("/me", { token: readOnly });
    expect(me.status).toBe(200);
    expect(me.body.role).toBe("member");
    expect(me.body.scopes).toEqual(["agents:read"]);
    expect(me.body.permissions).toEqual([
      "workspace.view",
      "members.view",
      "tokens.view",
      "agents.view",
      "tools.view",
      "messages.view",
      "quotas.view",
    ]);
  });
});

describe("API token lifecycle", () => {
  it("creates a token shown once and stored hashed, which works until it is revoked", async () => {
    const created = await api(tokensPath(), json({ name: "ci", scopes: ["agents:read"] }, { method: "POST" }));
    expect(created.status).toBe(201);
    const secret: string = created.body.token;
    expect(secret).toMatch(/^cx_[A-Za-z0-9_-]{32}$/);
    expect(created.body).toMatchObject({
      name: "ci",
      scopes: ["agents:read"],
      prefix: secret.slice(0, 8),
      revokedAt: null,
      userId: ws.users.owner.id,
    });
    expect(created.body).not.toHaveProperty("hash");

    const row = await getDb().apiToken.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.hash).toBe(sha256(secret));
    expect(JSON.stringify(row)).not.toContain(secret);

    const listed = await api(`${tokensPath()}?limit=200`);
    const entry = listed.body.items.find((t: { id: string }) => t.id === created.body.id);
    expect(entry).toBeDefined();
    expect(entry).not.toHaveProperty("token");
    expect(entry).not.toHaveProperty("hash");
    expect(listed.text).not.toContain(secret);

    const me = await api("/me", { token: `Bearer ${secret}` });
    expect(me.status).toBe(200);
    expect(me.body.scopes).toEqual(["agents:read"]);

    const revoked = await api(`${tokensPath()}/${created.body.id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const after = await api("/me", { token: `Bearer ${secret}` });
    expectClientError(after, 401, "unauthorized");
    expect(after.body.error.message).toMatch(/revoked/);
    expect(after.headers.get("www-authenticate")).toMatch(/^Bearer/);

    // Revoking again changes nothing and still answers the token.
    const again = await api(`${tokensPath()}/${created.body.id}`, { method: "DELETE" });
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    const events = await getDb().auditEvent.findMany({
      where: { workspaceId: ws.workspace.id, targetId: created.body.id },
      orderBy: { createdAt: "asc" },
    });
    expect(events.map((e) => [e.action, e.actorType])).toEqual([
      ["token.created", "token"],
      ["token.revoked", "token"],
    ]);
  });

  it("an expired token answers 401", async () => {
    const token = await ws.token("admin", { expiresAt: new Date(Date.now() + 3_600_000) });
    expect((await api("/me", { token })).status).toBe(200);
    await getDb().apiToken.update({ where: { id: token.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const expired = await api("/me", { token });
    expectClientError(expired, 401, "unauthorized");
    expect(expired.body.error.message).toMatch(/expired/);
  });

  it("refuses to create a token that expires in the past", async () => {
    const past = await api(
      tokensPath(),
      json({ name: "old", scopes: ["agents:read"], expiresAt: "2000-01-01T00:00:00Z" }, { method: "POST" }),
    );
    expectClientError(past, 400, "validation_failed");
    expect(past.body.error.details).toEqual([expect.objectContaining({ path: "expiresAt" })]);
  });

  it("a removed member's token answers 401", async () => {
    const fixture = await createWorkspaceWithRoles("rest_removed");
    const memberToken = await fixture.token("member");
    const adminToken = await fixture.token("admin");
    expect((await api("/me", { token: memberToken })).status).toBe(200);
    const removed = await api(`/workspaces/${fixture.workspace.slug}/members/${fixture.users.member.id}`, {
      method: "DELETE",
      token: adminToken,
    });
    expect(removed.status).toBe(204);
    expect(removed.text).toBe("");
    expectClientError(await api("/me", { token: memberToken }), 401, "unauthorized");
  });
});

describe("per-token rate limit", () => {
  it("answers 429 with Retry-After once a token passes its limit; other tokens go on", async () => {
    const fixture = await createWorkspaceWithRoles("rest_rate");
    await setQuota(await fixture.actor("owner"), "api_requests_per_minute", 3);
    const [first, second] = [await fixture.token("owner"), await fixture.token("admin")];
    // The first token has used its limit in this minute and the next (the request may fall in
    // either); counting within one window is the rate limiter's own test, on a pinned clock.
    for (const at of [Date.now(), Date.now() + 60_000]) for (let i = 0; i < 3; i++) await hit(`token:${first.id}`, 3, at);

    const limited = await api("/me", { token: first });
    expectClientError(limited, 429, "rate_limited");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(limited.headers.get("x-ratelimit-limit")).toBe("3");
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(limited.body.error.hint).toMatch(/Retry-After/);

    const other = await api("/me", { token: second });
    expect(other.status).toBe(200);
    expect(other.headers.get("x-ratelimit-limit")).toBe("3");
    expect(other.headers.get("x-ratelimit-remaining")).toBe("2");
  });
});

describe("bad requests answer a clear 4xx, never a 500", () => {
  const malformed = [
    ["no Authorization header", null, /No API token/],
    ["a wrong prefix", `Bearer xx_${"a".repeat(32)}`, /malformed/],
    ["a token too short", "Bearer cx_abc", /malformed/],
    ["a token too long", `Bearer cx_${"a".repeat(33)}`, /malformed/],
    ["no Bearer", `cx_${"a".repeat(32)}`, /malformed/],
    ["another scheme", `Basic ${Buffer.from("user:pass").toString("base64")}`, /malformed/],
    ["a well-formed unknown token", `Bearer cx_${"a".repeat(32)}`, /not valid/],
  ] as const;
  it.each(malformed)("401 for %s", async (_what, authorization, message) => {
    const answer = await api("/me", { token: authorization });
    expectClientError(answer, 401, "unauthorized");
    expect(answer.body.error.message).toMatch(message);
    expect(answer.body.error.hint).toBeDefined();
  });

  it("413 for a body over 1 MiB with Content-Length, and accepts one of exactly 1 MiB", async () => {
    const small = JSON.stringify({ name: "exactly-1-mib", scopes: ["agents:read"] });
    const exact = small + " ".repeat(MAX_BODY_BYTES - Buffer.byteLength(small));
    const accepted = await api(tokensPath(), { method: "POST", headers: { "content-type": "application/json" }, body: exact });
    expect(accepted.status).toBe(201);
    const tooBig = await api(tokensPath(), { method: "POST", headers: { "content-type": "application/json" }, body: `${exact} ` });
    expectClientError(tooBig, 413, "payload_too_large");
  });

  it("413 for a chunked body over 1 MiB (no Content-Length)", async () => {
    const answer = await chunkedPost(`/api/v1${tokensPath()}`, ownerToken.authorization, MAX_BODY_BYTES + 64 * 1024);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text).error.code).toBe("payload_too_large");
  });

  it("400 validation_failed with details for an unknown field", async () => {
    const answer = await api(tokensPath(), json({ name: "x", scopes: ["admin"], owner: "someone-else" }, { method: "POST" }));
    expectClientError(answer, 400, "validation_failed");
    expect(answer.body.error.details).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", message: expect.stringContaining("owner") }),
    ]);
  });

  it("400 validation_failed naming the field for a wrong value", async () => {
    const answer = await api(tokensPath(), json({ name: "x", scopes: ["root"] }, { method: "POST" }));
    expectClientError(answer, 400, "validation_failed");
    expect(answer.body.error.details).toEqual([expect.objectContaining({ path: "scopes.0" })]);
  });

  it("400 for a bad query string or path parameter", async () => {
    expectClientError(await api(`${tokensPath()}?limit=0`), 400, "validation_failed");
    expectClientError(await api(`${tokensPath()}?limit=lots`), 400, "validation_failed");
    const badName = await api(`/workspaces/${ws.workspace.slug}/quotas/everything`, json({ limit: 5 }, { method: "PATCH" }));
    expectClientError(badName, 400, "validation_failed");
    expect(badName.body.error.details).toEqual([expect.objectContaining({ path: "name" })]);
  });

  it("415 for a body that is not JSON", async () => {
    const answer = await api(tokensPath(), {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: '{"name":"x","scopes":["admin"]}',
    });
    expectClientError(answer, 415, "unsupported_media_type");
    const none = await api(tokensPath(), { method: "POST", body: new Uint8Array(Buffer.from("{}")) });
    expectClientError(none, 415, "unsupported_media_type");
  });

  it("400 for invalid JSON, an empty body, and JSON that is not an object", async () => {
    const invalid = await api(tokensPath(), { method: "POST", headers: { "content-type": "application/json" }, body: '{"name": "x",' });
    expectClientError(invalid, 400, "bad_request");
    expect(invalid.body.error.message).toMatch(/not valid JSON/);
    const empty = await api(tokensPath(), { method: "POST", headers: { "content-type": "application/json" }, body: "" });
    expectClientError(empty, 400, "bad_request");
    expect(empty.body.error.message).toMatch(/empty/);
    expectClientError(await api(tokensPath(), json(null, { method: "POST" })), 400, "validation_failed");
    expectClientError(await api(tokensPath(), json(["name"], { method: "POST" })), 400, "validation_failed");
  });

  it("404 for an unknown route, with or without a token", async () => {
    const answer = await api("/no/such/route");
    expectClientError(answer, 404, "not_found");
    expect(answer.body.error.hint).toMatch(/openapi\.json/);
    expectClientError(await api("/no/such/route", { token: null }), 404, "not_found");
  });

  it("405 with Allow for a method the route does not have", async () => {
    const put = await api(`/workspaces/${ws.workspace.slug}`, json({ name: "x" }, { method: "PUT" }));
    expectClientError(put, 405, "method_not_allowed");
    expect(put.headers.get("allow")).toBe("GET, PATCH, DELETE");
    const post = await api("/me", { method: "POST" });
    expectClientError(post, 405, "method_not_allowed");
    expect(post.headers.get("allow")).toBe("GET");
  });

  it("400 for a path parameter that is not valid percent-encoding (the dispatcher itself)", async () => {
    const request = new Request(`${caxton.url}/api/v1/workspaces/${ws.workspace.slug}/members/%E0%A4%A`, {
      method: "DELETE",
      headers: { authorization: ownerToken.authorization },
    });
    const response = await dispatchV1(request);
    const answer = { status: response.status, headers: response.headers, text: "", body: await response.json() };
    expectClientError(answer, 400, "bad_request");
    expect(answer.body.error.message).toMatch(/"userId"/);
  });

  // Next.js alone would answer a plain-text 500 (its parameter decoding throws); the web
  // server refuses such a path first.
  it("a malformed percent-encoding in the path is a 400 over HTTP", async () => {
    const answer = await api("/workspaces/%E0%A4%A");
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("bad_request");
  });
});

describe("cursor pagination", () => {
  it("walks every token once with ?limit=2, ending with nextCursor null, even when timestamps tie", async () => {
    const fixture = await createWorkspaceWithRoles("rest_pages");
    const token = await fixture.token("owner");
    for (let i = 0; i < 6; i++) await createToken(fixture.users.admin.id, fixture.workspace.id, { name: `page-${i}` });
    // Half of them share one instant: the order must still be total (createdAt, then id).
    const tied = await getDb().apiToken.findMany({ where: { workspaceId: fixture.workspace.id }, take: 4, orderBy: { id: "asc" } });
    await getDb().apiToken.updateMany({
      where: { id: { in: tied.map((t) => t.id) } },
      data: { createdAt: new Date("2026-01-01T00:00:00Z") },
    });
    const all = await getDb().apiToken.findMany({
      where: { workspaceId: fixture.workspace.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    expect(all).toHaveLength(7);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Answer = await api(`/workspaces/${fixture.workspace.slug}/tokens?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((t: { id: string }) => t.id));
      cursor = page.body.nextCursor;
      pages++;
      expect(pages).toBeLessThan(10);
    } while (cursor);
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(all.map((t) => t.id));
  });

  it("a cursor that names nothing answers an empty last page, not a 500", async () => {
    const answer = await api(`${tokensPath()}?cursor=nothing-here`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ items: [], nextCursor: null });
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("is OpenAPI 3.1 and describes every route: method, path parameters, closed request bodies", async () => {
    const answer = await api("/openapi.json", { token: null });
    expect(answer.status).toBe(200);
    const doc = answer.body;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const operations = new Set<string>();
    for (const route of v1Routes) {
      const operation = doc.paths?.[`/api/v1${route.path}`]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      operations.add(`${route.method} ${route.path}`);
      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (operation.parameters ?? []).filter((p: { in: string }) => p.in === "path");
      expect(declared.map((p: { name: string }) => p.name).sort(), `${route.method} ${route.path}`).toEqual([...pathParams].sort());
      for (const p of declared) expect(p.required).toBe(true);
      if (route.body) {
        const schema = operation.requestBody?.content?.["application/json"]?.schema;
        expect(schema, `${route.method} ${route.path}`).toMatchObject({ type: "object", additionalProperties: false });
      } else {
        expect(operation.requestBody).toBeUndefined();
      }
    }
    // Nothing documented that is not served.
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${p.replace(/^\/api\/v1/, "")}`),
    );
    expect(documented.sort()).toEqual([...operations].sort());
    const operationIds = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((methods) =>
      Object.values(methods).map((o) => o.operationId),
    );
    expect(new Set(operationIds).size).toBe(v1Routes.length);
  });
});

/** POSTs `size` bytes of a JSON-looking body in chunks, without Content-Length. */
function chunkedPost(
  path: string,
  authorization: string,
  size: number,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const url = new URL(caxton.url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: "POST",
        headers: { authorization, "content-type": "application/json", "transfer-encoding": "chunked" },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
      },
    );
    // The server may answer and close before the whole body is sent; the answer is what counts.
    request.on("error", (error) => reject(error));
    const chunk = Buffer.alloc(64 * 1024, " ");
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!request.write(sent === chunk.length ? Buffer.concat([Buffer.from('{"name":"'), chunk.subarray(9)]) : chunk))
          return void request.once("drain", pump);
      }
      request.end();
    };
    pump();
  });
}
