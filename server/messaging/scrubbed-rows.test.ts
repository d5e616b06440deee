import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestEnvironment } from "../../test/support/env";
import { createWorkspaceWithRoles, type WorkspaceFixture } from "../../test/support/identity";
import { getDb } from "../db/client";
import { setSecret } from "../secrets/secrets";
import { answerRequest, insertRequest, markRunning } from "./message-rows";

// The rows every view of a message is made from: what a model, a vendor or the platform wrote
// is stored without the workspace's secrets; what a person sent is stored as sent.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let ws: WorkspaceFixture;
let other: WorkspaceFixture;
const VALUE = "plain-value-no-shape-at-all-0042";

beforeAll(async () => {
  environment = await useTestEnvironment("scrubbed_rows");
  ws = await createWorkspaceWithRoles("scrubbed");
  other = await createWorkspaceWithRoles("scrubbed_other");
  await setSecret(await ws.actor("owner"), "SOME_KEY", VALUE);
});
afterAll(async () => environment?.cleanup());

const request = (workspaceId: string, senderType: string, content: unknown) =>
  insertRequest({ workspaceId, capability: "echo", senderType, senderLabel: senderType, content });
const reply = (content: unknown, trace: unknown) => ({
  performative: "FAILURE" as const,
  content,
  trace,
  senderType: "agent" as const,
  senderLabel: "a",
  senderAgentId: null,
  agentVersionId: null,
});

describe("stored message rows", () => {
  it("keep no secret of the workspace in replies, traces, routing or the error", async () => {
    const row = (await request(ws.workspace.id, "token", "hello"))!;
    await markRunning(ws.workspace.id, row.id);
    await answerRequest(row, [reply({ reason: `vendor said: bad key ${VALUE}` }, { steps: [{ tool: "t", output: { echoed: VALUE } }] })], {
      status: "failed",
      error: `failed with ${VALUE}`,
      routing: { reason: VALUE },
    });
    const stored = await getDb().message.findMany({ where: { conversationId: row.conversationId } });
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toContain(VALUE);
    expect(JSON.stringify(stored)).toContain("bad key [redacted]");
  });

  it("scrub a delegation (a model wrote it), keep a person's request as sent", async () => {
    const delegated = (await request(ws.workspace.id, "agent", { text: `pass ${VALUE} on` }))!;
    expect(delegated.content).toEqual({ text: "pass [redacted] on" });
    const sent = (await request(ws.workspace.id, "token", `my own ${VALUE}`))!;
    expect(sent.content).toBe(`my own ${VALUE}`);
  });

  it("use only the workspace's own values: another workspace's text keeps them (no oracle across tenants)", async () => {
    const row = (await request(other.workspace.id, "agent", `guess ${VALUE}`))!;
    expect(row.content).toBe(`guess ${VALUE}`);
  });

  it("see a secret set after the values were cached", async () => {
    const later = "set-later-value-without-shape-77";
    await setSecret(await ws.actor("owner"), "LATER_KEY", later);
    const row = (await request(ws.workspace.id, "agent", `now ${later}`))!;
    expect(row.content).toBe("now [redacted]");
  });
});
