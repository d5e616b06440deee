import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uploadTool } from "../server/tools/tools";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createWorkspaceWithRoles, type TestToken, type WorkspaceFixture } from "./support/identity";
import { sampleJsTool } from "./support/tools";

// The official MCP SDK client against app/api/mcp on a real server (web + worker).
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let ws: WorkspaceFixture;
let token: TestToken;

beforeAll(async () => {
  environment = await useTestEnvironment("mcp");
  caxton = await startCaxton(environment.env);
  ws = await createWorkspaceWithRoles("mcp");
  token = await ws.token("owner");
  await uploadTool(await ws.actor("owner"), sampleJsTool("spin", { body: "for (;;) {}", timeoutMs: 100 }));
});
afterAll(async () => {
  await caxton?.stop();
  await environment?.cleanup();
});

async function connect(authorization: string) {
  const client = new Client({ name: "caxton-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${caxton.url}/api/mcp`), { requestInit: { headers: { authorization } } }),
  );
  return client;
}

describe("MCP over Streamable HTTP", () => {
  it("lists the workspace's tools with their schemas and hints", async () => {
    const client = await connect(token.authorization);
    const { tools } = await client.listTools();
    const wordCount = tools.find((t) => t.name === "word-count");
    expect(wordCount).toMatchObject({ inputSchema: { type: "object", required: ["text"] }, annotations: { readOnlyHint: true } });
    expect(tools.map((t) => t.name)).toContain("spin");
    await client.close();
  });

  it("calls a tool and gets its structured result", async () => {
    const client = await connect(token.authorization);
    const result = await client.callTool({ name: "word-count", arguments: { text: "one two three four" } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ words: 4 });
    await client.close();
  });

  it("reports a limit violation and bad arguments as tool errors, and an unknown tool as a protocol error", async () => {
    const client = await connect(token.authorization);
    const spun = await client.callTool({ name: "spin", arguments: { text: "x" } });
    expect(spun.isError).toBe(true);
    expect((spun.content as { text: string }[])[0]!.text).toMatch(/^timeout: .*\(limit 100/);
    const invalid = await client.callTool({ name: "word-count", arguments: { words: 1 } });
    expect(invalid.isError).toBe(true);
    expect((invalid.content as { text: string }[])[0]!.text).toMatch(/^invalid_input/);
    await expect(client.callTool({ name: "no-such-tool", arguments: {} })).rejects.toThrow(/No tool "no-such-tool"/);
    await client.close();
  });

  it("refuses a client without a valid token", async () => {
    await expect(connect("Bearer cx_" + "x".repeat(32))).rejects.toThrow(/401|not valid/);
    const response = await fetch(`${caxton.url}/api/mcp`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(response.status).toBe(401);
  });
});
