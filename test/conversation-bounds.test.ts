import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../server/auth/actor";
import { getDb } from "../server/db/client";
import { getConversation, listConversations, sendMessage } from "../server/messaging/messages";
import { useTestEnvironment } from "./support/env";
import { createWorkspaceWithRoles } from "./support/identity";

// A conversation can grow without end and a message can carry a tool's output (up to 1 MiB):
// neither the conversation view nor the conversation list may return them unbounded.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let owner: Actor;
let conversationId: string;
let workspaceId: string;

beforeAll(async () => {
  environment = await useTestEnvironment("conversation_bounds");
  const ws = await createWorkspaceWithRoles("conversation_bounds");
  owner = await ws.actor("owner");
  workspaceId = ws.workspace.id;
  const { message } = await sendMessage(owner, { capability: "summarize", content: "the first" });
  conversationId = message.conversationId;
  // 259 more, written as deliveries would (one second apart, so the order is plain), the
  // newest carrying a large tool output and an LLM trace.
  const start = Date.now();
  await getDb().message.createMany({
    data: Array.from({ length: 259 }, (_, i) => ({
      workspaceId,
      conversationId,
      performative: "INFORM" as const,
      capability: "summarize",
      senderType: "agent",
      senderLabel: "bulk",
      content: i === 258 ? { text: "y".repeat(300_000) } : `reply ${i}`,
      trace: i === 258 ? { steps: [{ tool: "t", output: "z".repeat(300_000) }] } : undefined,
      status: "answered" as const,
      createdAt: new Date(start + (i + 1) * 1000),
    })),
  });
});
afterAll(async () => {
  await environment?.cleanup();
});

describe("a long conversation", () => {
  it("returns its newest 200 messages, oldest first, and says older ones exist", async () => {
    const page = await getConversation(owner, conversationId);
    expect(page.messages).toHaveLength(200);
    expect(page).toMatchObject({ messageCount: 260, hasEarlier: true });
    expect(page.messages[0]!.content).toBe("reply 59");
    expect(page.messages.at(-1)!.content).toEqual({ text: "y".repeat(300_000) });
  });

  it("pages back with before, and refuses a page over 200", async () => {
    const newest = await getConversation(owner, conversationId, { limit: 100 });
    const older = await getConversation(owner, conversationId, { limit: 200, before: newest.messages[0]!.id });
    expect(older.messages).toHaveLength(160);
    expect(older.hasEarlier).toBe(false);
    expect(older.messages[0]!.content).toBe("the first");
    expect(older.messages.at(-1)!.content).toBe("reply 158");
    await expect(getConversation(owner, conversationId, { limit: 1_000 })).rejects.toThrow();
  });
});

describe("the conversation list", () => {
  it("shows the latest message as a bounded preview, without its trace", async () => {
    const list = await listConversations(owner, {}, { limit: 50 });
    const item = list.items.find((c) => c.id === conversationId)!;
    expect(item.last).toMatchObject({ contentTruncated: true, trace: null });
    expect(item.last!.contentBytes).toBeGreaterThan(300_000);
    expect(JSON.stringify(item).length).toBeLessThan(5_000);
  });
});
