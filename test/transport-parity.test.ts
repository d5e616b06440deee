import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_AGENT_BYTES } from "../server/agents/validate";
import { sampleAgent } from "./support/agents";
import { callTrpc, type HttpAnswer } from "./support/cross-tenant";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createSessionFor, createWorkspaceWithRoles, type TestSession, type TestToken, type WorkspaceFixture } from "./support/identity";
import { sampleJsTool } from "./support/tools";

// The same call over REST (a token) and over tRPC (the owner's session) answers the same:
// where the two once declared their inputs apart (template parameters, the validate
// answer, the agent document's size cap, a secret's name, a tool upload's format).
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let ws: WorkspaceFixture;
let token: TestToken;
let session: TestSession;

beforeAll(async () => {
  environment = await useTestEnvironment("transport_parity");
  caxton = await startCaxton(environment.env);
  ws = await createWorkspaceWithRoles("parity");
  token = await ws.token("owner");
  session = await createSessionFor(ws.users.owner.id);
});
afterAll(async () => {
  await caxton?.stop();
  await environment?.cleanup();
});

async function rest(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<HttpAnswer> {
  const response = await fetch(`${caxton.url}/api/v1${path}`, {
    method,
    headers: { authorization: token.authorization, ...(body === undefined ? {} : { "content-type": contentType }) },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : null };
}
const trpc = (path: string, type: "query" | "mutation", input: Record<string, unknown>) =>
  callTrpc(caxton.url, path, type, { workspace: ws.workspace.slug, ...input }, session.cookie);

type TrpcError = { error: { message: string; data: { appCode?: string; problems?: { code: string }[]; httpStatus: number } } };
const trpcError = (answer: HttpAnswer) => (answer.json as TrpcError).error;
const trpcData = <T>(answer: HttpAnswer) => (answer.json as { result: { data: T } }).result.data;
type RestError = { error: { code: string; message: string; details?: unknown; hint?: string } };
const restError = (answer: HttpAnswer) => (answer.json as RestError).error;
const codes = (problems: { code: string }[]) => problems.map((p) => p.code);

describe("one operation, two transports, one answer", () => {
  it("template parameters: a value that is not a string, and an unknown parameter, are refused the same way", async () => {
    for (const params of [{ NAME: 7 }, { NAME: "parity-agent", NAEM: "x" }]) {
      const overRest = await rest("POST", "/agents/from-template", { template: "summarizer", params });
      const overTrpc = await trpc("agents.createFromTemplate", "mutation", { template: "summarizer", params });
      expect(overRest.status, overRest.text).toBe(400);
      expect(restError(overRest).code).toBe("validation_failed");
      expect(overTrpc.status, overTrpc.text).toBe(400);
      expect(trpcError(overTrpc).data.appCode).toBe("validation_failed");
    }
  });

  it("the validate answer: the same problems for an invalid document, the same config for a valid one", async () => {
    const invalid = 'name = "Not A Name"\nversion = 1\n';
    const overRest = await rest("POST", "/agents/validate", { source: invalid });
    const overToml = await rest("POST", "/agents/validate", invalid, "application/toml");
    const overTrpc = await trpc("agents.validate", "query", { source: invalid });
    expect(overRest.status).toBe(422);
    expect(overToml.status).toBe(422);
    const problems = trpcData<{ ok: boolean; problems: { code: string }[] }>(overTrpc);
    expect(problems.ok).toBe(false);
    expect((restError(overRest).details as { problems: unknown }).problems).toEqual(problems.problems);
    expect((restError(overToml).details as { problems: unknown }).problems).toEqual(problems.problems);

    const valid = sampleAgent("parity-valid");
    const good = await rest("POST", "/agents/validate", { source: valid });
    expect(good.status, good.text).toBe(200);
    expect(good.json).toEqual(trpcData(await trpc("agents.validate", "query", { source: valid })));
  });

  it("the size cap: a document past the agent limit gets document_too_large on every transport, for validate and push", async () => {
    const large = `${sampleAgent("parity-large")}\n# ${"x".repeat(MAX_AGENT_BYTES)}\n`;
    for (const [path, procedure, type] of [
      ["/agents/validate", "agents.validate", "query"],
      ["/agents", "agents.push", "mutation"],
    ] as const) {
      const overJson = await rest("POST", path, { source: large });
      const overToml = await rest("POST", path, large, "application/toml");
      for (const answer of [overJson, overToml]) {
        expect(answer.status, `${path}: ${answer.text.slice(0, 200)}`).toBe(422);
        expect(codes((restError(answer).details as { problems: { code: string }[] }).problems)).toContain("document_too_large");
      }
      // A query this long goes as POST, as the web app sends it (allowMethodOverride).
      const response = await fetch(`${caxton.url}/api/trpc/${procedure}`, {
        method: "POST",
        headers: { cookie: session.cookie, "content-type": "application/json" },
        body: JSON.stringify({ workspace: ws.workspace.slug, source: large }),
      });
      const text = await response.text();
      const overTrpc: HttpAnswer = { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
      const problems =
        type === "query" ? trpcData<{ problems: { code: string }[] }>(overTrpc).problems : trpcError(overTrpc).data.problems!;
      expect(codes(problems), `${procedure}: ${text.slice(0, 200)}`).toContain("document_too_large");
    }
  });

  it("a secret's name: the same rule over REST's path as over tRPC's input", async () => {
    const overRest = await rest("PUT", "/secrets/lower_case", { value: "x" });
    const overTrpc = await trpc("secrets.set", "mutation", { name: "lower_case", value: "x" });
    expect(overRest.status).toBe(400);
    expect(restError(overRest)).toMatchObject({ code: "validation_failed", details: [expect.objectContaining({ path: "name" })] });
    expect(overTrpc.status).toBe(400);
    expect(trpcError(overTrpc).data.appCode).toBe("validation_failed");
    expect(trpcError(overTrpc).message).toBe(
      restError(overRest).details && (restError(overRest).details as { message: string }[])[0]!.message,
    );
  });

  it("the permission: a viewer is refused the same write with the same message on both transports", async () => {
    const viewerToken = await ws.token("viewer");
    const viewerSession = await createSessionFor(ws.users.viewer.id);
    const calls = [
      {
        rest: ["POST", "/agents", { source: sampleAgent("parity-viewer") }],
        trpc: ["agents.push", { source: sampleAgent("parity-viewer") }],
      },
      { rest: ["PUT", "/secrets/PARITY_KEY", { value: "x" }], trpc: ["secrets.set", { name: "PARITY_KEY", value: "x" }] },
      {
        rest: ["PATCH", `/workspaces/${ws.workspace.slug}/quotas/agents`, { limit: 5 }],
        trpc: ["usage.setQuota", { name: "agents", limit: 5 }],
      },
    ] as const;
    for (const call of calls) {
      const [method, path, body] = call.rest;
      const response = await fetch(`${caxton.url}/api/v1${path}`, {
        method,
        headers: { authorization: viewerToken.authorization, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const overRest = ((await response.json()) as RestError).error;
      const overTrpc = await callTrpc(
        caxton.url,
        call.trpc[0],
        "mutation",
        { workspace: ws.workspace.slug, ...call.trpc[1] },
        viewerSession.cookie,
      );
      expect(response.status, path).toBe(403);
      expect(overTrpc.status, call.trpc[0]).toBe(403);
      expect(trpcError(overTrpc).message, call.trpc[0]).toBe(overRest.message);
      expect(trpcError(overTrpc).data.appCode).toBe("forbidden");
    }
  });

  it("a tool upload: the manifest's format defaults to TOML on both transports", async () => {
    const upload = sampleJsTool("parity-tool");
    const json = { manifest: upload.manifest as string, module: Buffer.from(upload.module).toString("base64") };
    const overRest = await rest("POST", "/tools", json);
    expect(overRest.status, overRest.text).toBe(200);
    const overTrpc = await trpc("tools.upload", "mutation", {
      ...json,
      manifest: (json.manifest as string).replace('version = "1.0.0"', 'version = "1.0.1"'),
    });
    expect(overTrpc.status, overTrpc.text).toBe(200);
  });
});

describe("every error leaves in the one shape, with nothing of an internal message", () => {
  const shape = { code: expect.any(String), message: expect.any(String), hint: expect.any(String) };

  it("a malformed %-escape in the URL (answered before Next.js)", async () => {
    const response = await fetch(`${caxton.url}/w/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ error: { ...shape, code: "bad_request" } });
  });

  it("a body that is not JSON: REST says where, tRPC says what, neither quotes the parser", async () => {
    const overRest = await rest("POST", "/messages", '{"capability": "x",\n "content": }');
    expect(overRest.status).toBe(400);
    expect(restError(overRest)).toEqual({
      ...shape,
      code: "bad_request",
      message: expect.stringMatching(/^The body is not valid JSON( \(line 2, column \d+\))?\.$/),
    });
    const response = await fetch(`${caxton.url}/api/trpc/agents.push`, {
      method: "POST",
      headers: { cookie: session.cookie, "content-type": "application/json" },
      body: '{"workspace": ',
    });
    const overTrpc = (await response.json()) as TrpcError;
    expect(response.status).toBe(400);
    expect(overTrpc.error.message).toBe("The input is not valid JSON.");
  });

  it("the dashboard's audit export: signed out, and a filter that is not valid", async () => {
    const signedOut = await fetch(`${caxton.url}/w/${ws.workspace.slug}/settings/audit/export`);
    expect(signedOut.status).toBe(401);
    expect(signedOut.headers.get("cache-control")).toBe("no-store");
    expect(((await signedOut.json()) as RestError).error).toMatchObject({ code: "unauthorized", message: expect.any(String) });
    const invalid = await fetch(`${caxton.url}/w/${ws.workspace.slug}/settings/audit/export?since=not-a-date`, {
      headers: { cookie: session.cookie },
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as RestError).error).toEqual({
      ...shape,
      code: "validation_failed",
      details: [expect.objectContaining({ path: "since" })],
    });
  });
});
