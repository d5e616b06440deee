import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushAgent } from "../server/agents/agents";
import { getDb } from "../server/db/client";
import { setQuota } from "../server/quotas/quotas";
import { listSampleTools } from "../server/tools/samples";
import { uploadTool } from "../server/tools/tools";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createWorkspaceWithRoles, refusal, type TestToken, type WorkspaceFixture } from "./support/identity";
import { sampleJsTool } from "./support/tools";

// The registry and the run path against a real server: web enqueues, a worker runs the
// sandbox, the invocation is recorded.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let ws: WorkspaceFixture;
let token: TestToken;

beforeAll(async () => {
  environment = await useTestEnvironment("tools");
  caxton = await startCaxton(environment.env);
  ws = await createWorkspaceWithRoles("tools");
  token = await ws.token("owner");
});
afterAll(async () => {
  await caxton?.stop();
  await environment?.cleanup();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${caxton.url}/api/v1${path}`, {
    ...init,
    headers: { authorization: token.authorization, ...(init.headers as Record<string, string>) },
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const post = (path: string, body: unknown) =>
  api(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

function form(upload: { manifest: string | Uint8Array; module: Uint8Array }, manifestName = "manifest.toml") {
  const data = new FormData();
  data.set("manifest", new Blob([upload.manifest as BlobPart]), manifestName);
  data.set("module", new Blob([upload.module as BlobPart]), "tool.js");
  return data;
}

describe("the registry", () => {
  it("installs the sample tools into a new workspace", async () => {
    const { body } = await api("/tools?limit=50");
    const names = body.items.map((t: { name: string }) => t.name);
    expect(names).toEqual(expect.arrayContaining(listSampleTools().map((s) => s.name)));
    expect(body.items.every((t: { sample: boolean }) => t.sample)).toBe(true);
  });

  it("uploads by multipart, and an identical upload changes nothing", async () => {
    const created = await api("/tools", { method: "POST", body: form(sampleJsTool("shout")) });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ outcome: "created", tool: { name: "shout", kind: "js" }, version: { number: 1 } });
    const again = await api("/tools", { method: "POST", body: form(sampleJsTool("shout")) });
    expect(again.body.outcome).toBe("unchanged");
    const updated = await api("/tools", { method: "POST", body: form(sampleJsTool("shout", { version: "1.1.0" })) });
    expect(updated.body).toMatchObject({ outcome: "updated", version: { number: 2, semver: "1.1.0" } });
  });

  it("refuses a manifest with problems at their line and column, and writes nothing", async () => {
    const before = await getDb().toolVersion.count({ where: { workspaceId: ws.workspace.id } });
    const bad = sampleJsTool("broken");
    const refused = await api("/tools", {
      method: "POST",
      body: form({ ...bad, manifest: (bad.manifest as string).replace("timeoutMs", "timeoutMS") }),
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("invalid_tool");
    expect(refused.body.error.details.problems).toContainEqual(
      expect.objectContaining({ code: "unknown_key", field: "permissions.timeoutMS", line: 10, column: 1, suggestions: ["timeoutMs"] }),
    );
    expect(await getDb().toolVersion.count({ where: { workspaceId: ws.workspace.id } })).toBe(before);
  });

  it("refuses a multipart upload without both files, and a run of an unknown tool", async () => {
    const onlyManifest = new FormData();
    onlyManifest.set("manifest", new Blob([sampleJsTool("half").manifest as BlobPart]), "manifest.toml");
    const refused = await api("/tools", { method: "POST", body: onlyManifest });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe("The upload needs two files, `manifest` and `module`; got `manifest`.");
    const unknown = await post("/tools/no-such-tool/run", { input: {} });
    expect(unknown.status).toBe(404);
  });

  it("refuses modules that cannot run, saying why", async () => {
    const owner = await ws.actor("owner");
    const syntax = await refusal(() =>
      uploadTool(owner, { ...sampleJsTool("bad-js"), module: new TextEncoder().encode("function run(input) { return {") }),
    );
    expect((syntax?.extra.details as { moduleProblems: { code: string }[] }).moduleProblems[0]?.code).toBe("js_syntax");
    const noEntry = await refusal(() =>
      uploadTool(owner, { ...sampleJsTool("no-entry"), module: new TextEncoder().encode("function other() {}") }),
    );
    expect((noEntry?.extra.details as { moduleProblems: { code: string }[] }).moduleProblems[0]?.code).toBe("js_missing_entry");
    const wordCount = listSampleTools().find((s) => s.name === "word-count")!;
    const notWasm = await refusal(() =>
      uploadTool(owner, { manifest: wordCount.manifestText, format: "toml", module: new Uint8Array([1, 2, 3]) }),
    );
    expect((notWasm?.extra.details as { moduleProblems: { code: string }[] }).moduleProblems[0]?.code).toBe("not_wasm");
    const tooSmall = await refusal(() =>
      uploadTool(owner, {
        manifest: wordCount.manifestText.replace("maxMemoryPages = 64", "maxMemoryPages = 16"),
        format: "toml",
        module: wordCount.code,
      }),
    );
    expect((tooSmall?.extra.details as { moduleProblems: { code: string; message: string }[] }).moduleProblems[0]).toMatchObject({
      code: "memory_over_limit",
    });
  });
});

describe("running tools", () => {
  it("runs a sample wasm tool and a sample JS tool in the worker and records each call", async () => {
    const counted = await post("/tools/word-count/run", { input: { text: "three little words" } });
    expect(counted.status).toBe(200);
    expect(counted.body).toMatchObject({ status: "ok", output: { words: 3 }, caller: { type: "token" } });
    const slug = await post("/tools/slugify/run", { input: { text: "Hello, Wörld!" } });
    expect(slug.body).toMatchObject({ status: "ok" });
    const calls = await api("/tools/word-count/invocations");
    expect(calls.body.items[0]).toMatchObject({ id: counted.body.id, status: "ok", version: 1 });
  });

  it("answers bad input and misbehaving tools with a diagnostic, and the worker keeps serving", async () => {
    const invalid = await post("/tools/word-count/run", { input: { txt: "typo" } });
    expect(invalid.body).toMatchObject({ status: "failed", diagnostic: { kind: "invalid_input" } });
    await api("/tools", { method: "POST", body: form(sampleJsTool("spin", { body: "for (;;) {}", timeoutMs: 100 })) });
    const spun = await post("/tools/spin/run", { input: { text: "x" } });
    expect(spun.body).toMatchObject({ status: "failed", diagnostic: { kind: "timeout", limit: 100 } });
    const after = await post("/tools/word-count/run", { input: { text: "still here" } });
    expect(after.body).toMatchObject({ status: "ok", output: { words: 2 } });
  });

  it("stops runs once the day's tool time is used, with a clear error", async () => {
    const small = await createWorkspaceWithRoles("tools_quota");
    const smallToken = await small.token("owner");
    await setQuota(await small.actor("owner"), "tool_cpu_ms_per_day", 1);
    const run = (text: string) =>
      fetch(`${caxton.url}/api/v1/tools/word-count/run`, {
        method: "POST",
        headers: { authorization: smallToken.authorization, "content-type": "application/json" },
        body: JSON.stringify({ input: { text } }),
      });
    // The first call may fit under the limit; metered time then passes it.
    for (let i = 0; i < 5; i++) {
      const response = await run("a b c");
      if (response.status === 409) {
        const body = (await response.json()) as { error: { code: string; message: string; hint: string } };
        expect(body.error.code).toBe("quota_exceeded");
        expect(body.error.message).toContain('quota "tool_cpu_ms_per_day"');
        expect(body.error.hint).toContain("00:00 UTC");
        return;
      }
    }
    throw new Error("five runs never reached the 1 ms daily quota");
  });
});

describe("outputs and invocation lists stay bounded", () => {
  it("fails a run whose output is over the cap as output_too_large, storing none of it", async () => {
    await api("/tools", { method: "POST", body: form(sampleJsTool("flood", { body: "return { upper: 'x'.repeat(1536 * 1024) };" })) });
    const run = await post("/tools/flood/run", { input: { text: "go" } });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      status: "failed",
      output: null,
      diagnostic: { kind: "output_too_large", limit: 1 << 20, observed: 1536 * 1024 + 12 },
    });
    const row = await getDb().toolInvocation.findUniqueOrThrow({ where: { id: run.body.id } });
    expect(row.output).toBeNull();
    expect(JSON.stringify(row.diagnostic).length).toBeLessThan(1_000);
  });

  it("answers a tool agent whose tool floods with a FAILURE that carries the diagnostic, not the output", async () => {
    await pushAgent(
      await ws.actor("owner"),
      'name = "flooder"\nversion = "1.0.0"\ndescription = "Floods."\ncapabilities = ["flood"]\n\n[handler]\ntool = "flood"\n',
    );
    const sent = await post("/messages", { capability: "flood", content: { text: "go" }, wait: 20 });
    expect(sent.status).toBe(200);
    expect(sent.body.replies).toEqual([
      expect.objectContaining({
        performative: "FAILURE",
        content: expect.objectContaining({ diagnostic: expect.objectContaining({ kind: "output_too_large", limit: 1 << 20 }) }),
      }),
    ]);
    const stored = await getDb().message.findMany({ where: { conversationId: sent.body.message.conversationId } });
    expect(JSON.stringify(stored).length).toBeLessThan(10_000);
  });

  it("lists invocations with previews of input and output, and returns one whole by id", async () => {
    await api("/tools", { method: "POST", body: form(sampleJsTool("big-echo", { body: "return { upper: input.text.repeat(2000) };" })) });
    const run = await post("/tools/big-echo/run", { input: { text: "abcdefghij" } });
    expect(run.body.status).toBe("ok");
    const list = await api("/tools/big-echo/invocations");
    expect(list.status).toBe(200);
    const item = list.body.items[0];
    expect(item).not.toHaveProperty("output");
    expect(item).not.toHaveProperty("input");
    expect(item.inputPreview).toEqual({ json: '{"text": "abcdefghij"}', bytes: 22, truncated: false });
    expect(item.outputPreview).toMatchObject({ truncated: true, bytes: expect.any(Number) });
    expect(item.outputPreview.bytes).toBeGreaterThan(20_000);
    expect(item.outputPreview.json.length).toBeLessThanOrEqual(501);
    expect(item.outputPreview.json).toMatch(/^\{"upper": "abcdefghij.*…$/);

    const whole = await api(`/tools/big-echo/invocations/${run.body.id}`);
    expect(whole.status).toBe(200);
    expect(whole.body.output).toEqual({ upper: "abcdefghij".repeat(2000) });
  });

  it("caps the page size, and answers another workspace's invocation with 404", async () => {
    const tooMany = await api("/tools/word-count/invocations?limit=1000");
    expect(tooMany.status).toBe(400);
    const run = await post("/tools/word-count/run", { input: { text: "mine" } });
    const other = await createWorkspaceWithRoles("tools_other");
    const otherToken = await other.token("owner");
    const theirs = await fetch(`${caxton.url}/api/v1/tools/word-count/invocations/${run.body.id}`, {
      headers: { authorization: otherToken.authorization },
    });
    expect(theirs.status).toBe(404);
    const missing = await api("/tools/word-count/invocations/no-such-id");
    expect(missing.status).toBe(404);
  });
});
