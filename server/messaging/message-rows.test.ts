import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client";
import { sql } from "../db/sql";
import { useTestEnvironment } from "../../test/support/env";
import { createWorkspaceWithRoles, type WorkspaceFixture } from "../../test/support/identity";
import { answerRequest, chainOf, insertRequest, markRunning, requestWithReplies, type NewReply } from "./message-rows";

// The message path's plain-SQL statements must write exactly what Prisma would read back,
// and keep their promises (one reply per request and sender; a foreign conversation refused).
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let ws: WorkspaceFixture;
let other: WorkspaceFixture;

beforeAll(async () => {
  environment = await useTestEnvironment("message_rows");
  ws = await createWorkspaceWithRoles("rows");
  other = await createWorkspaceWithRoles("rows_other");
});
afterAll(async () => environment?.cleanup());

const request = (workspaceId: string, extra: Partial<Parameters<typeof insertRequest>[0]> = {}) =>
  insertRequest({
    workspaceId,
    capability: "count-words",
    senderType: "token",
    senderLabel: "token t",
    content: { text: "a b" },
    ...extra,
  });

const reply = (agentId: string | null, performative: NewReply["performative"] = "INFORM"): NewReply => ({
  performative,
  content: performative === "INFORM" ? { words: 2 } : { reason: "no" },
  senderType: agentId ? "agent" : "system",
  senderLabel: agentId ?? "router",
  senderAgentId: agentId,
  agentVersionId: null,
});

describe("message rows in plain SQL", () => {
  it("stores a request and its new conversation as Prisma reads them, timestamps in UTC", async () => {
    const before = Date.now();
    const row = (await request(ws.workspace.id))!;
    const read = await getDb().message.findUniqueOrThrow({ where: { id: row.id }, include: { conversation: true } });
    expect(read).toMatchObject({ ...row, conversation: { workspaceId: ws.workspace.id, subject: "count-words" } });
    expect(read.createdAt.getTime()).toBe(row.createdAt.getTime());
    // Within a minute of now whatever the server's or this process's time zone.
    expect(Math.abs(row.createdAt.getTime() - before)).toBeLessThan(60_000);
    expect(row).toMatchObject({ performative: "REQUEST", status: "queued", depth: 0, parentId: null, content: { text: "a b" } });
    expect(row.id).toMatch(/^c[a-z0-9]{24}$/);
  });

  it("continues a conversation of the same workspace, and refuses another workspace's", async () => {
    const first = (await request(ws.workspace.id))!;
    const second = await request(ws.workspace.id, { conversationId: first.conversationId });
    expect(second?.conversationId).toBe(first.conversationId);
    const conversations = await getDb().conversation.count({ where: { workspaceId: other.workspace.id } });
    expect(await request(other.workspace.id, { conversationId: first.conversationId })).toBeNull();
    expect(await getDb().message.count({ where: { workspaceId: other.workspace.id } })).toBe(0);
    expect(await getDb().conversation.count({ where: { workspaceId: other.workspace.id } })).toBe(conversations);
  });

  it("answers once: a second answer with the same senders adds no reply", async () => {
    const row = (await markRunning(ws.workspace.id, (await request(ws.workspace.id))!.id))!;
    expect(row.status).toBe("running");
    const written = await answerRequest(row, [reply("agent-a"), reply("agent-b", "FAILURE")], {
      status: "answered",
      receiverAgentId: "agent-a",
      routing: { strategy: "broadcast" },
    });
    expect(written.map((r) => r.inReplyToId ?? "request")).toEqual([row.id, row.id, "request"]);
    const again = await answerRequest(row, [reply("agent-a")], { status: "answered" });
    expect(again.map((r) => r.id)).toEqual([row.id]);
    const { request: done, replies } = await requestWithReplies(ws.workspace.id, row.id);
    expect(replies.map((r) => [r.senderLabel, r.performative, r.status])).toEqual(
      expect.arrayContaining([
        ["agent-a", "INFORM", "answered"],
        ["agent-b", "FAILURE", "failed"],
      ]),
    );
    expect(replies).toHaveLength(2);
    expect(done).toMatchObject({ status: "answered", receiverAgentId: "agent-a", routing: { strategy: "broadcast" } });
    expect(await markRunning(ws.workspace.id, row.id)).toBeNull();
  });

  it("reaches no row of another workspace by its id: every statement takes the workspace", async () => {
    const mine = (await request(ws.workspace.id))!;
    expect(await markRunning(other.workspace.id, mine.id)).toBeNull();
    expect(await requestWithReplies(other.workspace.id, mine.id)).toEqual({ request: null, replies: [] });
    expect(await chainOf(other.workspace.id, mine.id)).toEqual([]);
    // Answering under another workspace's id adds no reply to this request and leaves it as it was.
    const forged = { ...mine, workspaceId: other.workspace.id };
    expect(await answerRequest(forged, [reply("agent-x")], { status: "failed", error: "forged" })).toEqual([]);
    expect(await getDb().message.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({ status: "queued", error: null });
    expect(await getDb().message.count({ where: { inReplyToId: mine.id } })).toBe(0);
    const running = (await markRunning(ws.workspace.id, mine.id))!;
    expect(running.status).toBe("running");
  });

  it("walks a delegation chain, nearest first", async () => {
    const root = (await request(ws.workspace.id, { capability: "research" }))!;
    const child = (await request(ws.workspace.id, {
      capability: "summarize",
      conversationId: root.conversationId,
      parentId: root.id,
      depth: 1,
      senderType: "agent",
    }))!;
    const grandchild = (await request(ws.workspace.id, {
      capability: "count-words",
      conversationId: root.conversationId,
      parentId: child.id,
      depth: 2,
      senderType: "agent",
    }))!;
    expect(await chainOf(ws.workspace.id, grandchild.id)).toEqual(["count-words", "summarize", "research"]);
    expect(await chainOf(ws.workspace.id, "no-such-message")).toEqual([]);
  });

  it("prepares each statement once per connection and still sees new rows", async () => {
    const counted = async () =>
      (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Message" WHERE "workspaceId" = $1`, [ws.workspace.id]))[0]!.n;
    const before = await counted();
    await request(ws.workspace.id);
    expect(await counted()).toBe(before + 1);
  });
});
