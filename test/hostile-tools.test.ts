import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushAgent } from "../server/agents/agents";
import { getDb } from "../server/db/client";
import { sendMessage } from "../server/messaging/messages";
import type { ToolUpload } from "../server/tools/tools";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createWorkspaceWithRoles, type TestToken, type WorkspaceFixture } from "./support/identity";
import { sampleJsTool } from "./support/tools";

// Hostile JS tools against the real platform: web enqueues, the worker (concurrency 8) runs
// them. Before the fix a tool that loops while its result is copied never came back, the
// invocation stayed queued, and 8 of them stopped every other job.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let ws: WorkspaceFixture;
let token: TestToken;

beforeAll(async () => {
  environment = await useTestEnvironment("hostile_tools", { CAXTON_TOOL_QUARANTINE_BREACHES: "3" });
  caxton = await startCaxton(environment.env);
  ws = await createWorkspaceWithRoles("hostile_tools");
  token = await ws.token("owner");
}, 60_000);
afterAll(async () => {
  await caxton?.stop();
  await environment?.cleanup();
});

const loop = "while (true) {}";
function jsTool(name: string, source: string, options: { version?: string; timeoutMs?: number } = {}): ToolUpload {
  const manifest = `name = "${name}"
version = "${options.version ?? "1.0.0"}"
description = "A hostile tool."
kind = "js"
entry = "run"
inputSchema = { type = "object" }

[permissions]
timeoutMs = ${options.timeoutMs ?? 300}
maxMemoryPages = 256
`;
  return { manifest, format: "toml", module: new TextEncoder().encode(source) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${caxton.url}/api/v1${path}`, {
    ...init,
    headers: { authorization: token.authorization, ...(init.headers as Record<string, string>) },
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
const run = (name: string, input: unknown = {}) =>
  api(`/tools/${name}/run`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ input }) });

async function upload(tool: ToolUpload) {
  const data = new FormData();
  data.set("manifest", new Blob([tool.manifest as BlobPart]), "manifest.toml");
  data.set("module", new Blob([tool.module as BlobPart]), "tool.js");
  const answer = await api("/tools", { method: "POST", body: data });
  expect(answer.status).toBe(200);
  return answer.body;
}

const hostile: Record<string, string> = {
  "getter-result": `function run(input) { return { get x() { ${loop} } }; }`,
  "proxy-result": `function run() { return new Proxy({}, { ownKeys() { ${loop} }, getPrototypeOf() { ${loop} }, get() { ${loop} } }); }`,
  "tojson-loop": `Object.prototype.toJSON = function () { ${loop} }; function run() { return { a: 1 }; }`,
  "throw-getter": `function run() { throw { get message() { ${loop} } }; }`,
  "throw-proxy": `function run() { throw new Proxy({}, { get() { ${loop} }, getPrototypeOf() { ${loop} } }); }`,
  "async-loop": `async function run() { await null; ${loop} }`,
  "then-getter": `function run() { return { get then() { ${loop} } }; }`,
};

describe("hostile JS tools on the platform", () => {
  it("14 hostile calls at once each end as failed, and a normal run and a message meanwhile succeed", async () => {
    for (const [name, source] of Object.entries(hostile)) await upload(jsTool(name, source));
    await upload(sampleJsTool("upper"));
    const owner = await ws.actor("owner");
    await pushAgent(
      owner,
      'name = "upper-agent"\nversion = "1.0.0"\ndescription = "Upper-cases."\ncapabilities = ["shout"]\n\n[handler]\ntool = "upper"\n',
    );

    // Two calls of each (under the quarantine limit of 3): 14 > the worker's 8 slots.
    const hostileRuns = Object.keys(hostile).flatMap((name) => [run(name), run(name)]);
    await new Promise((r) => setTimeout(r, 200)); // let them take the worker's slots first
    const started = Date.now();
    const [normal, message] = await Promise.all([
      run("upper", { text: "still here" }),
      sendMessage(owner, { capability: "shout", content: { text: "hi" }, wait: 20 }),
    ]);
    const normalMs = Date.now() - started;
    expect(normal.status).toBe(200);
    expect(normal.body).toMatchObject({ status: "ok", output: { upper: "STILL HERE" } });
    expect(message.replies).toEqual([expect.objectContaining({ performative: "INFORM", content: { upper: "HI" } })]);

    const answers = await Promise.all(hostileRuns);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ status: "failed", diagnostic: { kind: "timeout", limit: 300 } });
      expect(answer.body.diagnostic.message).toMatch(/limit.*isolate was disposed/);
    }
    const left = await getDb().toolInvocation.count({ where: { workspaceId: ws.workspace.id, status: "queued" } });
    expect(left).toBe(0);
    // Each hostile call holds a slot for about its 300 ms deadline; the normal run waits for
    // a free slot, not for ever.
    expect(normalMs).toBeLessThan(10_000);
    console.log(`hostile calls: ${answers.length}; normal run answered in ${normalMs} ms`);
  });

  it("quarantines a version whose runs keep breaching, refuses it everywhere, and a new upload lifts it", async () => {
    await upload(jsTool("spinner", `function run(input) { if (input.spin) { ${loop} } return { fine: true }; }`, { timeoutMs: 200 }));
    const owner = await ws.actor("owner");
    await pushAgent(
      owner,
      'name = "spin-agent"\nversion = "1.0.0"\ndescription = "Spins."\ncapabilities = ["spin"]\n\n[handler]\ntool = "spinner"\n',
    );

    for (let i = 0; i < 3; i++) expect((await run("spinner", { spin: true })).body.diagnostic.kind).toBe("timeout");
    const refused = await run("spinner", {});
    expect(refused.body).toMatchObject({ status: "failed", durationMs: 0, diagnostic: { kind: "quarantined", limit: 3, observed: 3 } });
    expect(refused.body.diagnostic.message).toMatch(
      /Tool "spinner" is quarantined since .*3 of its runs breached their limits within 10 min \(the last: timeout.*upload a new version of the tool to lift the quarantine/,
    );

    const shown = await api("/tools/spinner");
    expect(shown.body.quarantine).toMatchObject({ breaches: 3, reason: expect.stringMatching(/3 of its runs breached/) });
    const listed = await api("/tools?limit=50");
    expect(listed.body.items.find((t: { name: string }) => t.name === "spinner").quarantine).not.toBeNull();
    const versions = await api("/tools/spinner/versions");
    expect(versions.body.items[0].quarantine).toMatchObject({ breaches: 3 });

    // A tool agent (and so any agent's tool call) gets the same refusal, without running it.
    const viaAgent = await sendMessage(owner, { capability: "spin", content: {}, wait: 20 });
    expect(viaAgent.replies).toEqual([expect.objectContaining({ performative: "FAILURE" })]);
    expect(JSON.stringify(viaAgent.replies[0]!.content)).toMatch(/quarantined/);

    // Re-uploading the same content keeps the quarantine: it is the same version.
    expect(
      (await upload(jsTool("spinner", `function run(input) { if (input.spin) { ${loop} } return { fine: true }; }`, { timeoutMs: 200 })))
        .outcome,
    ).toBe("unchanged");
    expect((await run("spinner", {})).body.diagnostic.kind).toBe("quarantined");

    const fixed = await upload(jsTool("spinner", "function run() { return { fine: true }; }", { version: "1.0.1", timeoutMs: 200 }));
    expect(fixed).toMatchObject({ outcome: "updated", version: { number: 2, quarantine: null }, tool: { quarantine: null } });
    expect((await run("spinner", {})).body).toMatchObject({ status: "ok", output: { fine: true } });
    const again = await sendMessage(owner, { capability: "spin", content: {}, wait: 20 });
    expect(again.replies).toEqual([expect.objectContaining({ performative: "INFORM", content: { fine: true } })]);
  });
});
