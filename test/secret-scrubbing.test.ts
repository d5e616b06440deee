import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushAgent } from "../server/agents/agents";
import type { Actor } from "../server/auth/actor";
import { getDb } from "../server/db/client";
import type { LiveEvent } from "../server/messaging/events";
import {
  anthropicError,
  anthropicStream,
  openAiError,
  openAiStream,
  openAiText,
  openAiToolCall,
  startFakeLlm,
  type FakeLlm,
  type RecordedRequest,
  type Scripted,
} from "./support/fake-llm";
import { eventually, startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createWorkspaceWithRoles, type TestToken, type WorkspaceFixture } from "./support/identity";
import { readEvents } from "./support/sse";

// A vendor that echoes the key it was sent (as OpenAI does in a 401: "Incorrect API key
// provided: sk-...") must not put that key in front of anyone: not in the stored FAILURE, not
// in the REST answers (a viewer's included), not in the live events, not in the worker's log.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let fake: FakeLlm;
let ws: WorkspaceFixture;
let owner: Actor;
let token: TestToken;
let viewer: TestToken;

// One key shaped like a vendor's, one that looks like nothing in particular (only the
// workspace's own values can catch it), and an instance key no workspace holds.
const SHAPED_KEY = "sk-proj-Zq8vN3kLmR7tWx2YpA9cB4dE6fG1hJ0s";
const PLAIN_KEY = "correct-horse-battery-staple-41-zebra";
const INSTANCE_KEY = "sk-proj-INSTANCEkeyNOTinANYworkspace0123456789";

const agent = (
  name: string,
  provider: "openai" | "anthropic",
  secret: string | null,
  stream: boolean,
  tools: string[] = [],
) => `name = "${name}"
version = "1.0.0"
description = "Calls a vendor that echoes keys."
capabilities = ["${name}"]
tools = ${JSON.stringify(tools)}
system_prompt = "You are ${name}."

[llm]
provider = "${provider}"
model = "fake-model"
base_url = "${fake.url}"
stream = ${stream}
${secret ? `api_key_secret = "${secret}"` : ""}
`;

/** The key the request carried, as the vendor saw it. */
const keyOf = (request: RecordedRequest) =>
  String(request.headers["x-api-key"] ?? request.headers.authorization ?? "").replace(/^Bearer /, "");
const masked = (key: string) => `${key.slice(0, 7)}${"*".repeat(20)}${key.slice(-4)}`;

beforeAll(async () => {
  environment = await useTestEnvironment("secret_scrubbing");
  caxton = await startCaxton(environment.env);
  fake = await startFakeLlm();
  ws = await createWorkspaceWithRoles("scrubbing");
  owner = await ws.actor("owner");
  token = await ws.token("owner");
  viewer = await ws.token("viewer");
  for (const [name, value] of [
    ["SHAPED_KEY", SHAPED_KEY],
    ["PLAIN_KEY", PLAIN_KEY],
  ]) {
    const put = await fetch(`${caxton.url}/api/v1/secrets/${name}`, {
      method: "PUT",
      headers: { authorization: token.authorization, "content-type": "application/json" },
      body: JSON.stringify({ value }),
    });
    expect(put.status).toBe(204);
  }
});
afterAll(async () => {
  await fake?.close();
  await caxton?.stop();
  await environment?.cleanup();
});

/** Sends a request while a viewer follows the live events; everything a person could see of it, as text. */
async function everythingShown(capability: string): Promise<{ reply: { performative: string; content: unknown }; shown: string }> {
  const abort = new AbortController();
  const events = await fetch(`${caxton.url}/api/events`, { headers: { authorization: viewer.authorization }, signal: abort.signal });
  expect(events.status).toBe(200);
  const stream = readEvents<LiveEvent>(events);
  try {
    const sent = await fetch(`${caxton.url}/api/v1/messages`, {
      method: "POST",
      headers: { authorization: token.authorization, "content-type": "application/json" },
      body: JSON.stringify({ capability, content: "hello", wait: 20 }),
    });
    expect(sent.status).toBe(200);
    const answerText = await sent.text();
    const answer = JSON.parse(answerText) as {
      message: { id: string; conversationId: string };
      replies: { performative: string; content: unknown }[];
    };
    expect(answer.replies).toHaveLength(1);
    const id = answer.message.id;
    await eventually(
      async () =>
        stream.events.some(
          (e) => e.type === "message" && e.message.id === id && (e.message.status === "answered" || e.message.status === "failed"),
        ),
      15_000,
    );
    const conversation = await fetch(`${caxton.url}/api/v1/conversations/${answer.message.conversationId}`, {
      headers: { authorization: viewer.authorization },
    });
    expect(conversation.status).toBe(200);
    const rows = await getDb().message.findMany({ where: { conversationId: answer.message.conversationId } });
    return {
      reply: answer.replies[0]!,
      shown: [answerText, await conversation.text(), JSON.stringify(stream.events), JSON.stringify(rows)].join("\n"),
    };
  } finally {
    abort.abort();
    await stream.done;
  }
}

const expectNoKey = (text: string) => {
  for (const key of [SHAPED_KEY, PLAIN_KEY, INSTANCE_KEY]) {
    expect(text).not.toContain(key);
    // Nor a long piece of it, nor the vendor's masked form.
    expect(text).not.toContain(key.slice(0, 24));
    expect(text).not.toContain(masked(key));
  }
};

const cases: {
  name: string;
  provider: "openai" | "anthropic";
  secret: string | null;
  stream: boolean;
  script: (request: RecordedRequest) => Scripted;
}[] = [
  {
    name: "openai-401",
    provider: "openai",
    secret: "SHAPED_KEY",
    stream: false,
    script: (r) =>
      openAiError(
        401,
        `Incorrect API key provided: ${keyOf(r)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      ),
  },
  {
    name: "openai-401-plain",
    provider: "openai",
    secret: "PLAIN_KEY",
    stream: true,
    script: (r) => openAiError(401, `Incorrect API key provided: ${keyOf(r)}.`),
  },
  {
    name: "openai-401-masked",
    provider: "openai",
    secret: "PLAIN_KEY",
    stream: false,
    script: (r) => openAiError(401, `Incorrect API key provided: ${masked(keyOf(r))}.`),
  },
  {
    name: "openai-instance-key",
    provider: "openai",
    secret: null,
    stream: false,
    script: () => openAiError(401, `Incorrect API key provided: ${INSTANCE_KEY}.`),
  },
  {
    name: "openai-stream-error",
    provider: "openai",
    secret: "PLAIN_KEY",
    stream: true,
    script: (r) => ({ sse: [{ error: { message: `key ${keyOf(r)} was revoked` } }] }),
  },
  {
    name: "anthropic-401",
    provider: "anthropic",
    secret: "PLAIN_KEY",
    stream: false,
    script: (r) => anthropicError(401, `invalid x-api-key: ${keyOf(r)}`),
  },
  {
    name: "anthropic-401-stream",
    provider: "anthropic",
    secret: "SHAPED_KEY",
    stream: true,
    script: (r) => anthropicError(401, `invalid x-api-key: ${keyOf(r)}`),
  },
  {
    name: "anthropic-stream-error",
    provider: "anthropic",
    secret: "PLAIN_KEY",
    stream: true,
    script: (r) => ({
      sse: [
        { type: "message_start", message: { usage: { input_tokens: 1 } } },
        { type: "error", error: { type: "authentication_error", message: `key ${keyOf(r)} is not allowed` } },
      ],
    }),
  },
];

describe("a vendor that echoes the key it was sent", () => {
  it.each(cases)("$name: the FAILURE says what failed, and no one sees the key", async ({ name, provider, secret, stream, script }) => {
    await pushAgent(owner, agent(name, provider, secret, stream));
    fake.requests.length = 0;
    fake.script(script);
    const { reply, shown } = await everythingShown(name);
    expect(fake.requests).toHaveLength(1);
    if (secret) expect(keyOf(fake.requests[0]!)).toBe(secret === "SHAPED_KEY" ? SHAPED_KEY : PLAIN_KEY);
    expect(reply.performative).toBe("FAILURE");
    expect((reply.content as { reason: string }).reason).toMatch(
      new RegExp(`The ${provider} provider failed for agent "${name}": ${provider} answered (401|200): .*\\[redacted\\]`),
    );
    expectNoKey(shown);
    // The worker logged the failure for the operator, scrubbed too.
    await eventually(async () => caxton.output().includes(`"agent":"${name}"`));
    expectNoKey(caxton.output());
  });

  it("a streamed answer that repeats the key: neither the drafts nor the stored INFORM carry it", async () => {
    await pushAgent(owner, agent("parrot", "openai", "PLAIN_KEY", true));
    await pushAgent(owner, agent("parrot-claude", "anthropic", "SHAPED_KEY", true));
    // The key arrives cut across chunks, as a model's tokens would.
    fake.script((r) => openAiStream(["Your key is ", keyOf(r).slice(0, 10), keyOf(r).slice(10), " — keep it safe."]));
    const openai = await everythingShown("parrot");
    expect(openai.reply).toMatchObject({ performative: "INFORM", content: "Your key is [redacted] — keep it safe." });
    expect(openai.shown).toContain('"type":"draft"');
    expectNoKey(openai.shown);

    fake.script((r) => anthropicStream(["Key: ", keyOf(r).slice(0, 20), keyOf(r).slice(20)]));
    const anthropic = await everythingShown("parrot-claude");
    expect(anthropic.reply).toMatchObject({ performative: "INFORM", content: "Key: [redacted]" });
    expectNoKey(anthropic.shown);
    expectNoKey(caxton.output());
  });

  it("a vendor that hands the key to a tool as an argument: the trace and the tool's invocation record do not keep it", async () => {
    await pushAgent(owner, agent("tool-leaker", "openai", "PLAIN_KEY", false, ["word-count"]));
    fake.script((r) => openAiToolCall("word-count", { text: `leak ${keyOf(r)} now` }), openAiText("Counted."));
    const { reply, shown } = await everythingShown("tool-leaker");
    expect(reply).toMatchObject({ performative: "INFORM", content: "Counted." });
    expect(shown).toContain('"text":"leak [redacted] now"');
    expectNoKey(shown);
    const invocations = await fetch(`${caxton.url}/api/v1/tools/word-count/invocations`, {
      headers: { authorization: viewer.authorization },
    });
    expect(invocations.status).toBe(200);
    const listed = await invocations.text();
    expect(listed).toContain("tool-leaker");
    expectNoKey(listed);
    expectNoKey(JSON.stringify(await getDb().toolInvocation.findMany({ where: { workspaceId: ws.workspace.id } })));
  });

  it("an API error that quotes what the caller sent does not quote a key", async () => {
    // A key pasted where a secret's name goes: the refusal names the mistake, not the key.
    const response = await fetch(`${caxton.url}/api/v1/secrets/${INSTANCE_KEY}`, {
      method: "PUT",
      headers: { authorization: token.authorization, "content-type": "application/json" },
      body: JSON.stringify({ value: "x" }),
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text).error).toMatchObject({
      code: "validation_failed",
      details: [{ path: "name", message: expect.stringContaining("Secret names use uppercase letters") }],
    });
    expectNoKey(text);
  });
});
