import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushAgent } from "../server/agents/agents";
import type { AgentConfig } from "../server/agents/schema";
import type { Actor } from "../server/auth/actor";
import { getDb } from "../server/db/client";
import { turnPorts } from "../server/messaging/turn-ports";
import type { Provider } from "../server/routing/capabilities";
import type { TurnRecording } from "../server/runtime/ports";
import { recordingOfReply, replayPorts } from "../server/runtime/replay";
import { runTurn } from "../server/runtime/turn";
import { setSecret } from "../server/secrets/secrets";
import { openAiText, openAiToolCall, startFakeLlm, type FakeLlm } from "./support/fake-llm";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createWorkspaceWithRoles, type TestToken } from "./support/identity";

// A conversation run for real (web, worker, Postgres, Redis, the sandbox, a fake vendor on
// loopback) stores with each reply what its turn was told; these recorded steps alone
// rebuild every model, tool and delegation answer: each turn replayed through
// replay ports gives the stored reply again, without calling the vendor or a tool.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let fake: FakeLlm;
let owner: Actor;
let token: TestToken;

const API_KEY = "sk-replay-0123456789-abcdefghij";

beforeAll(async () => {
  environment = await useTestEnvironment("replay");
  caxton = await startCaxton(environment.env);
  fake = await startFakeLlm();
  const ws = await createWorkspaceWithRoles("replay");
  owner = await ws.actor("owner");
  token = await ws.token("owner");
  await setSecret(owner, "FAKE_API_KEY", API_KEY);
  await pushAgent(
    owner,
    `name = "counter"\nversion = "1.0.0"\ndescription = "Counts words."\ncapabilities = ["count-words"]\n\n[handler]\ntool = "word-count"\n`,
  );
  await pushAgent(
    owner,
    `name = "summarizer"
version = "1.0.0"
description = "Counts, then says so (scripted)."
capabilities = ["summarize"]
tools = ["word-count"]
system_prompt = "You summarize."

[llm]
provider = "mock"
model = "scripted"

[[llm.script]]
call = "word-count"
input = { text = "{{request}}" }

[[llm.script]]
reply = "{{result.1.words}} words"
`,
  );
  await pushAgent(
    owner,
    `name = "analyst"
version = "1.0.0"
description = "Analyses with a model, a tool and a delegation."
capabilities = ["analyze"]
tools = ["word-count"]
system_prompt = "You analyse."
user_prompt_template = "Request: {{request}}\\nEarlier:\\n{{context}}"

[llm]
provider = "openai"
model = "fake-model"
base_url = "${fake.url}"
api_key_secret = "FAKE_API_KEY"
`,
  );
});
afterAll(async () => {
  await fake?.close();
  await caxton?.stop();
  await environment?.cleanup();
});

async function send(capability: string, content: unknown, conversationId?: string) {
  const response = await fetch(`${caxton.url}/api/v1/messages`, {
    method: "POST",
    headers: { authorization: token.authorization, "content-type": "application/json" },
    body: JSON.stringify({ capability, content, wait: 20, ...(conversationId ? { conversationId } : {}) }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { message: { id: string; conversationId: string }; replies: { performative: string }[] };
}

describe("a stored conversation", () => {
  it("holds recorded steps that rebuild every model, tool and delegation answer of its turns", async () => {
    const first = await send("count-words", "alpha beta gamma");
    expect(first.replies).toMatchObject([{ performative: "INFORM" }]);
    fake.script(
      openAiToolCall("word-count", { text: "one two three four" }, "call_1"),
      openAiToolCall("ask", { capability: "summarize", request: "five six" }, "call_2"),
      openAiText("Four words here; the summarizer says two."),
    );
    const second = await send("analyze", "Look at: one two three four", first.message.conversationId);
    expect(second.replies).toMatchObject([{ performative: "INFORM" }]);

    const messages = await getDb().message.findMany({
      where: { conversationId: first.message.conversationId },
      orderBy: { createdAt: "asc" },
    });
    const replies = messages.filter((m) => m.senderType === "agent" && m.inReplyToId);
    expect(replies.map((r) => r.senderLabel).sort()).toEqual(["analyst", "counter", "summarizer"]);
    // The key the analyst's turn read is in no stored row.
    expect(JSON.stringify(messages)).not.toContain(API_KEY);

    const vendorCalls = fake.requests.length;
    const invocations = await getDb().toolInvocation.count();
    for (const reply of replies) {
      const request = messages.find((m) => m.id === reply.inReplyToId)!;
      const version = await getDb().agentVersion.findUniqueOrThrow({ where: { id: reply.agentVersionId! } });
      const config = version.config as unknown as AgentConfig;
      const recording: TurnRecording = recordingOfReply(reply, request, config);
      if (config.llm) expect(recording.calls.length, `${reply.senderLabel} recorded its calls`).toBeGreaterThan(0);
      // The history the turn saw, read the way production reads it.
      const provider = { agentId: reply.senderAgentId!, agentName: reply.senderLabel, versionId: version.id, config } as Provider;
      const history = await turnPorts({ ...request, quotaOverrides: {} }, provider).history.earlier();
      const replay = replayPorts(recording, { history, provider: config.llm?.provider });

      const replayed = await runTurn({ agent: { agentName: reply.senderLabel, config }, content: request.content }, replay.ports);

      expect(replayed.performative, reply.senderLabel).toBe(reply.performative);
      expect(replayed.content, reply.senderLabel).toEqual(reply.content);
      expect((replayed.trace as { steps?: unknown } | undefined)?.steps, reply.senderLabel).toEqual(
        (reply.trace as { steps?: unknown } | null)?.steps,
      );
      expect(replay.divergences, reply.senderLabel).toEqual([]);
      expect(replay.unused(), reply.senderLabel).toBe(0);
    }
    // Nothing was asked again: every answer came from the recording.
    expect(fake.requests.length).toBe(vendorCalls);
    expect(await getDb().toolInvocation.count()).toBe(invocations);

    const analyst = replies.find((r) => r.senderLabel === "analyst")!;
    const recording = (analyst.trace as unknown as { recording: TurnRecording }).recording;
    expect(recording.calls.map((c) => c.kind)).toEqual(["model", "tool", "model", "delegation", "model"]);
    expect(recording.calls[0]).toMatchObject({
      request: {
        from: 0,
        messages: [{ role: "user", content: expect.stringContaining("counter (INFORM)") }],
        tools: ["word-count", "ask"],
        stream: true,
      },
    });
    expect(recording.calls[3]).toMatchObject({
      answer: { ok: true, agent: "summarizer", content: "[mock reply from summarizer] 2 words" },
    });
  });
});
