import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushAgent } from "../server/agents/agents";
import type { Actor } from "../server/auth/actor";
import { getDb } from "../server/db/client";
import { setQuota } from "../server/quotas/quotas";
import { delegate } from "../server/messaging/delegate";
import { deleteTool, uploadTool } from "../server/tools/tools";
import { sampleJsTool } from "./support/tools";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createWorkspaceWithRoles, type TestToken, type WorkspaceFixture } from "./support/identity";

// Messages through the whole path: REST → Postgres → BullMQ → a worker routes by capability,
// the agent takes its turn (a tool agent runs its tool in the sandbox) → the reply is stored.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let ws: WorkspaceFixture;
let owner: Actor;
let token: TestToken;

const toolAgent = (name: string, capabilities: string[], strategy = "single") => `name = "${name}"
version = "1.0.0"
description = "Counts words with the word-count tool."
capabilities = ${JSON.stringify(capabilities)}

[handler]
tool = "word-count"

[routing]
strategy = "${strategy}"
`;

const mockAgent = (name: string, capabilities: string[], version = "1.0.0") => `name = "${name}"
version = "${version}"
description = "Answers from a script."
capabilities = ${JSON.stringify(capabilities)}
system_prompt = "You answer."

[llm]
provider = "mock"
model = "scripted"
`;

beforeAll(async () => {
  // Breakers open after two failures and stay open for the rest of the suite.
  environment = await useTestEnvironment("messaging", { CAXTON_BREAKER_FAILURES: "2", CAXTON_BREAKER_COOL_DOWN_MS: "600000" });
  caxton = await startCaxton(environment.env);
  ws = await createWorkspaceWithRoles("messaging");
  owner = await ws.actor("owner");
  token = await ws.token("owner");
});
afterAll(async () => {
  await caxton?.stop();
  await environment?.cleanup();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
async function send(body: Record<string, unknown>, as: TestToken = token): Promise<{ status: number; body: any }> {
  const response = await fetch(`${caxton.url}/api/v1/messages`, {
    method: "POST",
    headers: { authorization: as.authorization, "content-type": "application/json" },
    body: JSON.stringify({ wait: 15, ...body }),
  });
  return { status: response.status, body: await response.json() };
}

describe("sending and answering", () => {
  it("routes to a tool agent, which runs its tool on the text, and records the version used", async () => {
    await pushAgent(owner, toolAgent("counter", ["count-words"]));
    const { status, body } = await send({ capability: "count-words", content: "three little words" });
    expect(status).toBe(200);
    expect(body.message).toMatchObject({
      performative: "REQUEST",
      status: "answered",
      routing: { strategy: "single", chosen: ["counter"] },
    });
    expect(body.replies).toHaveLength(1);
    expect(body.replies[0]).toMatchObject({
      performative: "INFORM",
      inReplyTo: body.message.id,
      sender: { type: "agent", label: "counter" },
      content: { words: 3 },
    });
    const version = await getDb().agentVersion.findFirst({ where: { agent: { name: "counter", workspaceId: ws.workspace.id } } });
    expect(body.message.agentVersionId).toBe(version?.id);
  });

  it("answers FAILURE naming the nearest capabilities when no agent offers one", async () => {
    const { body } = await send({ capability: "count-wordz", content: "hello" });
    expect(body.message.status).toBe("failed");
    expect(body.replies[0]).toMatchObject({ performative: "FAILURE", sender: { type: "system", label: "router" } });
    expect(body.replies[0].content.reason).toContain('No agent offers "count-wordz". Nearest: count-words (1 agent)');
    // Nothing close: still what the workspace offers, never "offers anything yet".
    const far = await send({ capability: "translate-to-klingon", content: "hello" });
    expect(far.body.replies[0].content).toMatchObject({ nearest: [{ capability: "count-words", agents: 1 }], more: 0 });
    expect(far.body.replies[0].content.reason).toBe('No agent offers "translate-to-klingon". Nearest: count-words (1 agent).');
  });

  it("serves a versioned capability by the same or a newer version only", async () => {
    await pushAgent(owner, mockAgent("summarizer-two", ["summarize:v2"]));
    const older = await send({ capability: "summarize:v1", content: "text" });
    expect(older.body.replies[0]).toMatchObject({ performative: "INFORM", sender: { label: "summarizer-two" } });
    expect(older.body.replies[0].content).toContain("[mock reply from summarizer-two]");
    const newer = await send({ capability: "summarize:v3", content: "text" });
    expect(newer.body.replies[0].performative).toBe("FAILURE");
  });

  it("a new version is used by new messages at once (every worker drops its index), old messages keep theirs", async () => {
    const first = await send({ capability: "summarize:v2", content: "before" });
    await pushAgent(owner, mockAgent("summarizer-two", ["summarize:v2"], "1.1.0"));
    const second = await send({ capability: "summarize:v2", content: "after" });
    expect(second.body.message.agentVersionId).not.toBe(first.body.message.agentVersionId);
    const stored = await getDb().message.findUniqueOrThrow({ where: { id: first.body.message.id } });
    expect(stored.agentVersionId).toBe(first.body.message.agentVersionId);
  });

  it("round-robin alternates providers, broadcast asks them all", async () => {
    await pushAgent(owner, toolAgent("rr-a", ["tally"], "round-robin"));
    await pushAgent(owner, toolAgent("rr-b", ["tally"], "round-robin"));
    const chosen = [];
    for (let i = 0; i < 4; i++) chosen.push((await send({ capability: "tally", content: "a b" })).body.message.routing.chosen[0]);
    expect(new Set(chosen)).toEqual(new Set(["rr-a", "rr-b"]));
    expect(chosen[0]).not.toBe(chosen[1]);

    await pushAgent(owner, toolAgent("all-a", ["census"], "broadcast"));
    await pushAgent(owner, toolAgent("all-b", ["census"], "broadcast"));
    const both = await send({ capability: "census", content: "x y z" });
    expect(both.body.replies.map((r: { sender: { label: string } }) => r.sender.label).sort()).toEqual(["all-a", "all-b"]);
  });
});

describe("delegation", () => {
  it("asks another capability one level deeper in the same conversation, within the depth limit and without cycles", async () => {
    const { body } = await send({ capability: "count-words", content: "the parent" });
    const parent = { id: body.message.id, workspaceId: ws.workspace.id, conversationId: body.message.conversationId, depth: 0 };
    const asker = { agentId: "asker", agentName: "asker", maxDepth: 2 };

    const answered = await delegate(parent, asker, "summarize:v2", "delegated text", 10_000);
    expect(answered).toMatchObject({ ok: true, agent: "summarizer-two" });
    const child = await getDb().message.findFirstOrThrow({ where: { parentId: parent.id } });
    expect(child).toMatchObject({
      conversationId: parent.conversationId,
      depth: 1,
      senderType: "agent",
      senderLabel: "asker",
      status: "answered",
    });

    const tooDeep = await delegate({ ...parent, depth: 2 }, asker, "summarize:v2", "x", 10_000);
    expect(tooDeep).toEqual({
      ok: false,
      reason: 'Delegating "summarize:v2" would reach depth 3, past asker\'s limit of 2 ([limits] max_depth).',
    });
    const loop = await delegate({ ...parent, id: child.id, depth: 1 }, asker, "count-words", "x", 10_000);
    expect(loop).toEqual({
      ok: false,
      reason: '"count-words" is already being worked on up this chain (count-words → summarize:v2); asking it again would loop.',
    });
  });
});

describe("circuit breakers", () => {
  it("open after repeated failures: messages go to another provider, or fail fast with the reason", async () => {
    await uploadTool(owner, sampleJsTool("explode", { body: 'throw new Error("boom");' }));
    const failing = toolAgent("a-flaky", ["shaky"]).replace('tool = "word-count"', 'tool = "explode"');
    await pushAgent(owner, failing);
    for (let i = 0; i < 2; i++) {
      const { body } = await send({ capability: "shaky", content: "x" });
      expect(body.replies[0]).toMatchObject({ performative: "FAILURE", sender: { label: "a-flaky" } });
    }
    const refused = await send({ capability: "shaky", content: "x" });
    expect(refused.body.replies[0]).toMatchObject({ performative: "FAILURE", sender: { label: "router" } });
    expect(refused.body.replies[0].content.reason).toContain('Every agent offering "shaky" has an open circuit breaker (a-flaky)');
    const page = (await (
      await fetch(`${caxton.url}/api/v1/agents/a-flaky`, { headers: { authorization: token.authorization } })
    ).json()) as { breaker: string; recentFailures: { reason: string }[] };
    expect(page.breaker).toBe("open");
    expect(page.recentFailures.map((f) => f.reason)).toEqual(['Tool "explode" failed.', 'Tool "explode" failed.']);

    await pushAgent(owner, toolAgent("b-steady", ["shaky"]));
    const rerouted = await send({ capability: "shaky", content: "x y" });
    expect(rerouted.body.message.routing).toMatchObject({ chosen: ["b-steady"], breakers: { "a-flaky": "open", "b-steady": "closed" } });
    expect(rerouted.body.replies[0]).toMatchObject({ performative: "INFORM", content: { words: 2 } });
  });
});

describe("conversations", () => {
  it("keeps a thread, continues it by id, and hides it from other workspaces", async () => {
    const opened = await send({ capability: "count-words", content: "one" });
    const conversationId = opened.body.message.conversationId;
    await send({ capability: "count-words", content: "one two", conversationId });
    const thread = await fetch(`${caxton.url}/api/v1/conversations/${conversationId}`, { headers: { authorization: token.authorization } });
    const body = (await thread.json()) as { messages: { performative: string }[] };
    expect(body.messages.map((m) => m.performative)).toEqual(["REQUEST", "INFORM", "REQUEST", "INFORM"]);

    const other = await createWorkspaceWithRoles("messaging_other");
    const outsider = await other.token("owner");
    expect(
      (await fetch(`${caxton.url}/api/v1/conversations/${conversationId}`, { headers: { authorization: outsider.authorization } })).status,
    ).toBe(404);
    const hijack = await send({ capability: "count-words", content: "mine", conversationId }, outsider);
    expect(hijack.status).toBe(404);
    expect(await getDb().message.count({ where: { conversationId } })).toBe(4);
  });

  it("a tool agent runs its tool's newest version at once, and answers FAILURE once the tool is deleted", async () => {
    await uploadTool(owner, sampleJsTool("shout"));
    await pushAgent(owner, toolAgent("shouter", ["shout"]).replace('tool = "word-count"', 'tool = "shout"'));
    expect((await send({ capability: "shout", content: "hey" })).body.replies[0].content).toEqual({ upper: "HEY" });
    await uploadTool(owner, sampleJsTool("shout", { version: "2.0.0", body: 'return { upper: input.text.toUpperCase() + "!" };' }));
    expect((await send({ capability: "shout", content: "hey" })).body.replies[0].content).toEqual({ upper: "HEY!" });
    await deleteTool(owner, "shout", "shout");
    const gone = await send({ capability: "shout", content: "hey" });
    expect(gone.body.replies[0].performative).toBe("FAILURE");
    expect(gone.body.replies[0].content.reason).toContain('runs tool "shout", which is not in this workspace');
  });

  it("a tool agent past the workspace's tool time for the day answers FAILURE naming the quota, and runs nothing", async () => {
    const spent = await createWorkspaceWithRoles("messaging_tool_quota");
    const spentOwner = await spent.actor("owner");
    await pushAgent(spentOwner, toolAgent("thrifty", ["count-words"]));
    const spentToken = await spent.token("owner");
    const before = await send({ capability: "count-words", content: "a b" }, spentToken);
    expect(before.body.replies[0]).toMatchObject({ performative: "INFORM", content: { words: 2 } });
    // The quota a delivery checks is read with the request it delivers: a change applies to the next message.
    await setQuota(spentOwner, "tool_cpu_ms_per_day", 0);
    const after = await send({ capability: "count-words", content: "a b" }, spentToken);
    expect(after.body.message.status).toBe("failed");
    expect(after.body.replies[0].performative).toBe("FAILURE");
    expect(after.body.replies[0].content.reason).toContain('quota "tool_cpu_ms_per_day"');
    expect(await getDb().toolInvocation.count({ where: { workspaceId: spent.workspace.id, callerType: "agent" } })).toBe(1);
  });

  it("stops senders past the workspace's messages per minute with 429 and Retry-After", async () => {
    const small = await createWorkspaceWithRoles("messaging_quota");
    await setQuota(await small.actor("owner"), "messages_per_minute", 2);
    const smallToken = await small.token("owner");
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send({ capability: "anything", content: "hi", wait: 0 }, smallToken)).status);
    expect(statuses).toEqual([200, 200, 429]);
    const refused = await fetch(`${caxton.url}/api/v1/messages`, {
      method: "POST",
      headers: { authorization: smallToken.authorization, "content-type": "application/json" },
      body: JSON.stringify({ capability: "anything", content: "hi" }),
    });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('quota "messages_per_minute"');
    expect(await getDb().message.count({ where: { workspaceId: small.workspace.id, performative: "REQUEST" } })).toBe(2);
  });

  it("refuses bad input with a clear error and stores nothing", async () => {
    const before = await getDb().message.count({ where: { workspaceId: ws.workspace.id } });
    const bad = await send({ capability: "Not A Capability", content: "x" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("Capabilities look like");
    const empty = await send({ capability: "count-words", content: "" });
    expect(empty.status).toBe(400);
    expect(await getDb().message.count({ where: { workspaceId: ws.workspace.id } })).toBe(before);
  });
});
