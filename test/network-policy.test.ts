import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushAgent } from "../server/agents/agents";
import type { Actor } from "../server/auth/actor";
import { listSampleTools } from "../server/tools/samples";
import { uploadTool } from "../server/tools/tools";
import { openAiText, startFakeLlm, type FakeLlm } from "./support/fake-llm";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createWorkspaceWithRoles, type TestToken, type WorkspaceFixture } from "./support/identity";

// The operator's network policy through the whole platform, with its default: agents'
// base_url and tools' caxton_http may not reach loopback, private or metadata addresses. One
// exception is configured (the fake vendor's port); everything else on 127.0.0.1 stands for
// Caxton's own Redis, API or any other inside service, and must never see a connection.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let vendor: FakeLlm;
let inside: Server;
let insidePort = 0;
let insideHits = 0;
let ws: WorkspaceFixture;
let owner: Actor;
let token: TestToken;

beforeAll(async () => {
  environment = await useTestEnvironment("network_policy");
  vendor = await startFakeLlm();
  inside = createServer((_req, res) => {
    insideHits += 1;
    res.end("inside data");
  });
  await new Promise<void>((resolve) => inside.listen(0, "127.0.0.1", resolve));
  insidePort = (inside.address() as AddressInfo).port;
  // Overrides the suites' blanket 127.0.0.1 exception: only the vendor's port is allowed.
  caxton = await startCaxton({ ...environment.env, CAXTON_NETWORK_ALLOW: vendor.url.replace("http://", "") });
  ws = await createWorkspaceWithRoles("network-policy");
  owner = await ws.actor("owner");
  token = await ws.token("owner");
  // The sample fetch-url tool, allowed (by its own manifest) to try every one of these hosts.
  const fetchUrl = listSampleTools().find((t) => t.name === "fetch-url")!;
  const hosts = [
    vendor.url.replace("http://", ""),
    `127.0.0.1:${insidePort}`,
    `localhost:${insidePort}`,
    "169.254.169.254",
    "metadata.google.internal",
    "10.0.0.1:8080",
  ];
  await uploadTool(owner, {
    manifest: fetchUrl.manifestText.replace(/allowedHosts = \[.*\]/, `allowedHosts = ${JSON.stringify(hosts)}`),
    format: "toml",
    module: fetchUrl.code,
  });
});
afterAll(async () => {
  await vendor?.close();
  inside?.closeAllConnections();
  await new Promise((resolve) => inside?.close(resolve));
  await caxton?.stop();
  await environment?.cleanup();
});

const api = async (path: string, body: unknown) => {
  const response = await fetch(`${caxton.url}/api/v1${path}`, {
    method: "POST",
    headers: { authorization: token.authorization, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
  return (await response.json()) as any;
};

const agent = (name: string, baseUrl: string) => `name = "${name}"
version = "1.0.0"
description = "Calls a model at ${baseUrl}."
capabilities = ["${name}"]
system_prompt = "Be brief."

[llm]
provider = "openai"
model = "fake-model"
base_url = "${baseUrl}"
stream = false
`;

const answerOf = async (name: string, baseUrl: string) => {
  await pushAgent(owner, agent(name, baseUrl));
  const body = await api("/messages", { capability: name, content: "hello", wait: 20 });
  return body.replies[0] as { performative: string; content: string | { reason: string } };
};

describe("LLM providers under the network policy", () => {
  it("reach an address the operator allowed", async () => {
    vendor.script(openAiText("Hello through the exception."));
    expect(await answerOf("allowed", vendor.url)).toMatchObject({ performative: "INFORM", content: "Hello through the exception." });
  });

  it.each([
    [
      "loopback",
      () => `http://127.0.0.1:${insidePort}/v1`,
      () =>
        `connection to 127.0.0.1:${insidePort} refused by the network policy (loopback); an operator can allow it with CAXTON_NETWORK_ALLOW=127.0.0.1:${insidePort}`,
    ],
    [
      "a name resolving to loopback",
      () => `http://localhost:${insidePort}/v1`,
      () => `(localhost resolves to it) refused by the network policy (loopback)`,
    ],
    [
      "IPv4-mapped loopback",
      () => `http://[::ffff:127.0.0.1]:${insidePort}/v1`,
      () => `connection to 127.0.0.1:${insidePort} refused by the network policy (loopback)`,
    ],
    [
      "cloud metadata",
      () => "http://169.254.169.254/latest",
      () => "connection to 169.254.169.254:80 refused by the network policy (cloud metadata)",
    ],
    ["a private address", () => "http://10.0.0.1:8080/v1", () => "connection to 10.0.0.1:8080 refused by the network policy (private)"],
  ])("are refused %s, with a FAILURE that says how to allow it", async (label, url, message) => {
    const reply = await answerOf(`refused-${label.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`, url());
    expect(reply.performative).toBe("FAILURE");
    expect((reply.content as { reason: string }).reason).toContain(message());
    expect(insideHits).toBe(0);
  });

  it("do not follow a redirect from an allowed vendor to an inside address", async () => {
    vendor.script({ status: 307, headers: { location: `http://127.0.0.1:${insidePort}/v1/chat/completions` }, json: {} });
    const reply = await answerOf("redirected", vendor.url);
    expect(reply.performative).toBe("FAILURE");
    expect((reply.content as { reason: string }).reason).toContain(
      `connection to 127.0.0.1:${insidePort} refused by the network policy (loopback)`,
    );
    expect(insideHits).toBe(0);
  });
});

describe("tools' caxton_http under the network policy", () => {
  const run = (url: string) => api("/tools/fetch-url/run", { input: { url } });

  it("reaches an allowed address", async () => {
    vendor.script(openAiText("plain"));
    const result = await run(`${vendor.url}/anything`);
    expect(result).toMatchObject({ status: "ok", output: { status: 200 } });
  });

  it.each([
    [
      "loopback",
      () => `http://127.0.0.1:${insidePort}/`,
      () => `connection to 127.0.0.1:${insidePort} refused by the network policy (loopback)`,
    ],
    [
      "a name resolving to loopback",
      () => `http://localhost:${insidePort}/`,
      () => "(localhost resolves to it) refused by the network policy (loopback)",
    ],
    ["cloud metadata", () => "http://169.254.169.254/latest/meta-data/", () => "refused by the network policy (cloud metadata)"],
    [
      "a metadata name",
      () => "http://metadata.google.internal/computeMetadata/v1/",
      () => "refused by the network policy (cloud metadata)",
    ],
    ["a private address", () => "http://10.0.0.1:8080/", () => "connection to 10.0.0.1:8080 refused by the network policy (private)"],
  ])("is refused %s although allowedHosts lists it", async (_label, url, message) => {
    const result = await run(url());
    expect(result.status).toBe("failed");
    expect(result.diagnostic.message).toContain("failed: network_policy: connection to ");
    expect(result.diagnostic.message).toContain(message());
    expect(result.diagnostic.message).toContain("CAXTON_NETWORK_ALLOW=");
    expect(insideHits).toBe(0);
  });
});
