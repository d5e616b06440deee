import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushAgent } from "../server/agents/agents";
import type { Actor } from "../server/auth/actor";
import { getDb } from "../server/db/client";
import {
  anthropicText,
  anthropicToolUse,
  openAiError,
  openAiText,
  openAiToolCall,
  startFakeLlm,
  type FakeLlm,
  type RecordedRequest,
} from "./support/fake-llm";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createWorkspaceWithRoles, type TestToken, type WorkspaceFixture } from "./support/identity";

// LLM agents through the whole platform: the key set through the secrets API, the turn in the
// worker calling a fake vendor on loopback, tools run in the sandbox, the reply and its trace.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let fake: FakeLlm;
let ws: WorkspaceFixture;
let owner: Actor;
let token: TestToken;

const API_KEY = "sk-fake-0123456789-abcdefghij";

const llmAgent = (
  name: string,
  capability: string,
  options: { provider?: string; secret?: string; tools?: string[]; template?: string } = {},
) => `name = "${name}"
version = "1.0.0"
description = "Answers with a language model."
capabilities = ["${capability}"]
tools = ${JSON.stringify(options.tools ?? [])}
system_prompt = "You are ${name}."
${options.template ? `user_prompt_template = ${JSON.stringify(options.template)}` : ""}

[llm]
provider = "${options.provider ?? "openai"}"
model = "fake-model"
base_url = "${fake.url}"
${options.secret === "" ? "" : `api_key_secret = "${options.secret ?? "FAKE_API_KEY"}"`}
`;

beforeAll(async () => {
  environment = await useTestEnvironment("llm_agents");
  caxton = await startCaxton(environment.env);
  fake = await startFakeLlm();
  ws = await createWorkspaceWithRoles("llm-agents");
  owner = await ws.actor("owner");
  token = await ws.token("owner");
});
afterAll(async () => {
  await fake?.close();
  await caxton?.stop();
  await environment?.cleanup();
});

const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${caxton.url}/api/v1${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: token.authorization, "content-type": "application/json" },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
async function send(capability: string, content: unknown): Promise<any> {
  const response = await api("/messages", { method: "POST", body: { capability, content, wait: 20 } });
  expect(response.status).toBe(200);
  return response.json();
}

const lastToolResult = (request: RecordedRequest) =>
  JSON.parse((request.body.messages as { role: string; content: string }[]).filter((m) => m.role === "tool").at(-1)!.content) as {
    words: number;
  };

describe("the secrets API", () => {
  it("stores a value it never shows again, encrypted at rest", async () => {
    const put = await api("/secrets/FAKE_API_KEY", { method: "PUT", body: { value: API_KEY } });
    expect(put.status).toBe(204);
    const listed = await api("/secrets");
    const text = await listed.text();
    expect(JSON.parse(text)).toMatchObject({ items: [{ name: "FAKE_API_KEY" }] });
    expect(text).not.toContain(API_KEY);
    const row = await getDb().secret.findUniqueOrThrow({
      where: { workspaceId_name: { workspaceId: ws.workspace.id, name: "FAKE_API_KEY" } },
    });
    expect(Buffer.from(row.ciphertext).toString("utf8")).not.toContain(API_KEY);
    expect(Buffer.from(row.ciphertext).includes(Buffer.from(API_KEY))).toBe(false);
    expect(row.iv).toHaveLength(12);
    expect(row.tag).toHaveLength(16);
    const audited = await getDb().auditEvent.findFirstOrThrow({ where: { workspaceId: ws.workspace.id, action: "secret.set" } });
    expect(audited).toMatchObject({ targetId: "FAKE_API_KEY" });
    expect(JSON.stringify(audited)).not.toContain(API_KEY);
  });

  it("refuses a bad name and deletes by name", async () => {
    expect((await api("/secrets/lower_case", { method: "PUT", body: { value: "x" } })).status).toBe(400);
    expect((await api("/secrets/TO_DELETE", { method: "PUT", body: { value: "x" } })).status).toBe(204);
    expect((await api("/secrets/TO_DELETE", { method: "DELETE" })).status).toBe(204);
    expect((await api("/secrets/TO_DELETE", { method: "DELETE" })).status).toBe(404);
    expect(caxton.output()).not.toContain(API_KEY);
  });
});

describe("LLM agents", () => {
  it("answer through an OpenAI-compatible server, with the key from the workspace's secret", async () => {
    await pushAgent(owner, llmAgent("greeter", "greet", { template: "Request: {{request}}\nEarlier:\n{{context}}" }));
    fake.requests.length = 0;
    fake.script(openAiText("Hello from the fake model."));
    const body = await send("greet", "Say hello");
    expect(body.replies).toHaveLength(1);
    expect(body.replies[0]).toMatchObject({
      performative: "INFORM",
      content: "Hello from the fake model.",
      sender: { label: "greeter" },
      trace: { provider: "openai", model: "fake-model", steps: [] },
    });
    const [sent] = fake.requests;
    expect(sent).toMatchObject({ path: "/chat/completions", headers: { authorization: `Bearer ${API_KEY}` } });
    expect(sent!.body.messages).toEqual([
      { role: "system", content: "You are greeter." },
      { role: "user", content: "Request: Say hello\nEarlier:\n" },
    ]);

    // A follow-up in the same conversation sees the earlier messages as {{context}}.
    fake.script(openAiText("Again."));
    const response = await api("/messages", {
      method: "POST",
      body: { capability: "greet", content: "And again", conversationId: body.message.conversationId, wait: 20 },
    });
    expect(response.status).toBe(200);
    const prompt = fake.requests[1]!.body.messages[1].content as string;
    expect(prompt).toMatch(/^Request: And again\nEarlier:\n.+ \(REQUEST\): Say hello\ngreeter \(INFORM\): Hello from the fake model\.$/);
  });

  it("call a workspace tool through the loop and answer with its result", async () => {
    await pushAgent(owner, llmAgent("counter-llm", "count-llm", { tools: ["word-count"] }));
    fake.requests.length = 0;
    fake.script(openAiToolCall("word-count", { text: "one two three four" }), (request) =>
      openAiText(`There are ${lastToolResult(request).words} words.`),
    );
    const body = await send("count-llm", "How many words in: one two three four");
    expect(body.replies[0]).toMatchObject({ performative: "INFORM", content: "There are 4 words." });
    expect(body.replies[0].trace.steps).toEqual([
      {
        tool: "word-count",
        input: { text: "one two three four" },
        output: { words: 4, lines: 1, chars: 18 },
        invocationId: expect.any(String),
      },
    ]);
    expect(fake.requests[0]!.body.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual(["word-count", "ask"]);
    expect(fake.requests[0]!.body.tools[0]).toEqual({
      type: "function",
      function: expect.objectContaining({
        name: "word-count",
        description: expect.any(String),
        parameters: expect.objectContaining({ type: "object" }),
      }),
    });
    const invocation = await getDb().toolInvocation.findUniqueOrThrow({ where: { id: body.replies[0].trace.steps[0].invocationId } });
    expect(invocation).toMatchObject({ callerType: "agent", callerLabel: "counter-llm", status: "ok" });
  });

  it("use tools through an Anthropic server too", async () => {
    await pushAgent(owner, llmAgent("claude-counter", "count-claude", { provider: "anthropic", tools: ["word-count"] }));
    fake.requests.length = 0;
    fake.script(anthropicToolUse("word-count", { text: "a b" }), (request) => {
      const result = (request.body.messages as { content: { type: string; content?: string }[] }[])
        .at(-1)!
        .content.find((b) => b.type === "tool_result")!;
      return anthropicText(`Counted ${(JSON.parse(result.content!) as { words: number }).words}.`);
    });
    const body = await send("count-claude", "count a b");
    expect(body.replies[0]).toMatchObject({
      performative: "INFORM",
      content: "Counted 2.",
      trace: { provider: "anthropic", steps: [{ tool: "word-count", output: { words: 2 } }] },
    });
    expect(fake.requests[0]).toMatchObject({ path: "/v1/messages", headers: { "x-api-key": API_KEY, "anthropic-version": "2023-06-01" } });
  });

  it("ask another capability with the built-in ask tool (delegation) and use its answer", async () => {
    await pushAgent(
      owner,
      `name = "echoer"
version = "1.0.0"
description = "Echoes."
capabilities = ["echo"]
system_prompt = "Echo."

[llm]
provider = "mock"
model = "scripted"
`,
    );
    await pushAgent(owner, llmAgent("asker", "ask-around"));
    fake.script(openAiToolCall("ask", { capability: "echo", request: "ping" }), (request) => {
      const result = JSON.parse(
        (request.body.messages as { role: string; content: string }[]).filter((m) => m.role === "tool").at(-1)!.content,
      ) as { agent: string; content: string };
      return openAiText(`${result.agent} said: ${result.content}`);
    });
    const body = await send("ask-around", "ask the echoer");
    expect(body.replies[0]).toMatchObject({ performative: "INFORM", content: "echoer said: [mock reply from echoer] ping" });
    expect(body.replies[0].trace.steps).toEqual([
      {
        tool: "ask",
        input: { capability: "echo", request: "ping" },
        output: { agent: "echoer", content: "[mock reply from echoer] ping" },
      },
    ]);
    const delegated = await getDb().message.findFirstOrThrow({
      where: { conversationId: body.message.conversationId, capability: "echo", performative: "REQUEST" },
    });
    expect(delegated).toMatchObject({ depth: 1, parentId: body.message.id });
  });

  it("answer FAILURE naming a missing secret and how to set it", async () => {
    await pushAgent(owner, llmAgent("keyless", "keyless", { secret: "MISSING_API_KEY" }));
    fake.requests.length = 0;
    const body = await send("keyless", "hello");
    expect(body.replies[0].performative).toBe("FAILURE");
    expect(body.replies[0].content.reason).toContain('needs the secret "MISSING_API_KEY"');
    expect(body.replies[0].content.reason).toContain("PUT /api/v1/secrets/MISSING_API_KEY");
    expect(fake.requests).toHaveLength(0);
  });

  it("answer FAILURE with the provider's message after retries", async () => {
    await pushAgent(owner, llmAgent("unlucky", "unlucky"));
    fake.requests.length = 0;
    fake.script(
      openAiError(500, "The model is overloaded"),
      openAiError(500, "The model is overloaded"),
      openAiError(500, "The model is overloaded"),
    );
    const body = await send("unlucky", "hello");
    expect(body.replies[0].performative).toBe("FAILURE");
    expect(body.replies[0].content.reason).toContain("openai answered 500: The model is overloaded");
    expect(body.replies[0].content.reason).toContain("after 3 attempts");
    expect(fake.requests).toHaveLength(3);
  });

  it("stop at [limits] max_steps", async () => {
    await pushAgent(owner, `${llmAgent("looper", "loop", { tools: ["word-count"] })}\n[limits]\nmax_steps = 2\n`);
    fake.script(openAiToolCall("word-count", { text: "x" }), openAiToolCall("word-count", { text: "y" }));
    const body = await send("loop", "go");
    expect(body.replies[0].performative).toBe("FAILURE");
    expect(body.replies[0].content.reason).toContain("used all 2 steps ([limits] max_steps)");
    expect(body.replies[0].trace.steps).toHaveLength(2);
  });
});
