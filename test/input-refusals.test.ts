import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../server/db/client";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { nestedObjects } from "./support/malformed";
import { populatedWorkspace, type Walked } from "./support/walk-workspace";

/**
 * The refusals of the boundary check (server/lib/input-guard.ts) for the cases an outside
 * review found answering 500: each is a 400 naming the field and what to do, and stores
 * nothing. test/malformed-walk.test.ts covers the classes over every route.
 */

let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let other: Walked;

beforeAll(async () => {
  environment = await useTestEnvironment("input_refusals");
  caxton = await startCaxton(environment.env);
  other = await populatedWorkspace("refusals");
}, 120_000);

afterAll(async () => {
  await caxton?.stop();
  await environment?.cleanup();
});

describe("the refusals say what, where and what to do", () => {
  const api = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${caxton.url}/api/v1${path}`, {
      ...init,
      headers: {
        authorization: other.token.authorization,
        "content-type": "application/json",
        ...(init.headers as Record<string, string>),
      },
    });
    return {
      status: response.status,
      body: (await response.json()) as { error: { code: string; message: string; hint?: string; details?: { path: string }[] } },
    };
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
    const nested = await api("/messages", {
      method: "POST",
      body: '{"capability":"summarize","content":{"doc":{"lines":["ok","a\\u0000"]}}}',
    });
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
    expectRefusal(
      await api(`/tools/walk-tool/run`, { method: "POST", body: `{"input":${nestedObjects(150)}}` }),
      "too_deep",
      /nests deeper than 64 levels/,
    );
    expectRefusal(
      await api("/messages", { method: "POST", body: `{"capability":"summarize","content":${nestedObjects(5_000)}}` }),
      "too_deep",
      /nests deeper than 64 levels/,
    );
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
    expect(((await trpc.json()) as { error: { message: string; data: { appCode: string } } }).error).toMatchObject({
      message: expect.stringMatching(/input field `content` contains a NUL/),
      data: { appCode: "invalid_text" },
    });
    const mcp = await fetch(`${caxton.url}/api/mcp`, {
      method: "POST",
      headers: {
        authorization: other.token.authorization,
        accept: "application/json, text/event-stream",
        "content-type": "application/json",
      },
      body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"word-count","arguments":{"text":"\\ud800"}}}`,
    });
    expect(mcp.status).toBe(400);
    expect(((await mcp.json()) as { error: { message: string } }).error.message).toMatch(
      /`params\.arguments\.text` contains a lone UTF-16 surrogate/,
    );
  });
});
