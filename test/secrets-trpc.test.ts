import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../server/db/client";
import { readSecretForRuntime } from "../server/secrets/secrets";
import { callTrpc } from "./support/cross-tenant";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createSessionFor, createWorkspaceWithRoles, type TestSession, type WorkspaceFixture } from "./support/identity";

// The Settings → Secrets page's procedures over real HTTP with a real session: values go in,
// only names, dates and who set them come out; viewers and members are refused.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let ws: WorkspaceFixture;
let owner: TestSession;
let admin: TestSession;
let member: TestSession;

const VALUE = "sk-trpc-secret-value-0123456789";

beforeAll(async () => {
  environment = await useTestEnvironment("secrets_trpc");
  caxton = await startCaxton(environment.env);
  ws = await createWorkspaceWithRoles("secrets-trpc");
  owner = await createSessionFor(ws.users.owner.id);
  admin = await createSessionFor(ws.users.admin.id);
  member = await createSessionFor(ws.users.member.id);
});
afterAll(async () => {
  await caxton?.stop();
  await environment?.cleanup();
});

const call = (session: TestSession, path: string, type: "query" | "mutation", input: Record<string, unknown>) =>
  callTrpc(caxton.url, `secrets.${path}`, type, { workspace: ws.workspace.slug, ...input }, session.cookie);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tRPC's envelope, asserted field by field
const data = (answer: { json: unknown }): any => (answer.json as { result: { data: unknown } }).result.data;

describe("secrets over tRPC", () => {
  it("starts empty, sets a value it never returns, and says who set it", async () => {
    expect(data(await call(owner, "list", "query", {}))).toEqual({ items: [] });

    const set = await call(owner, "set", "mutation", { name: "OPENAI_API_KEY", value: VALUE });
    expect(set.status, set.text).toBe(200);
    expect(data(set)).toEqual({ name: "OPENAI_API_KEY" });
    expect(set.text).not.toContain(VALUE);
    expect(await readSecretForRuntime(ws.workspace.id, "OPENAI_API_KEY")).toBe(VALUE);

    const listed = await call(owner, "list", "query", {});
    expect(listed.text).not.toContain(VALUE);
    expect(data(listed).items).toEqual([
      { name: "OPENAI_API_KEY", createdAt: expect.any(String), updatedAt: expect.any(String), setBy: ws.users.owner.label },
    ]);
  });

  it("replaces a value, and the author becomes whoever set it last", async () => {
    const before = await getDb().secret.findUniqueOrThrow({
      where: { workspaceId_name: { workspaceId: ws.workspace.id, name: "OPENAI_API_KEY" } },
    });
    const set = await call(admin, "set", "mutation", { name: "OPENAI_API_KEY", value: "sk-replaced" });
    expect(set.status, set.text).toBe(200);
    expect(await readSecretForRuntime(ws.workspace.id, "OPENAI_API_KEY")).toBe("sk-replaced");
    const [item] = data(await call(owner, "list", "query", {})).items;
    expect(item.setBy).toBe(ws.users.admin.label);
    expect(new Date(item.updatedAt).getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    expect(await getDb().secret.count({ where: { workspaceId: ws.workspace.id } })).toBe(1);
  });

  it("refuses a bad name with a message that says how names look", async () => {
    const bad = await call(owner, "set", "mutation", { name: "lower_case", value: "x" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("uppercase letters");
    expect(await getDb().secret.count({ where: { workspaceId: ws.workspace.id } })).toBe(1);
  });

  it("refuses members: they can neither list nor set", async () => {
    const listed = await call(member, "list", "query", {});
    expect(listed.status).toBe(403);
    expect(listed.text).not.toContain("OPENAI_API_KEY");
    expect((await call(member, "set", "mutation", { name: "MEMBER_KEY", value: "x" })).status).toBe(403);
    expect(await readSecretForRuntime(ws.workspace.id, "MEMBER_KEY")).toBeNull();
  });

  it("deletes by name, and a second delete is a 404 naming the secret", async () => {
    const removed = await call(owner, "delete", "mutation", { name: "OPENAI_API_KEY" });
    expect(removed.status, removed.text).toBe(200);
    expect(data(removed)).toEqual({ name: "OPENAI_API_KEY" });
    expect(await readSecretForRuntime(ws.workspace.id, "OPENAI_API_KEY")).toBeNull();
    expect(data(await call(owner, "list", "query", {}))).toEqual({ items: [] });
    const again = await call(owner, "delete", "mutation", { name: "OPENAI_API_KEY" });
    expect(again.status).toBe(404);
    expect(again.text).toContain("OPENAI_API_KEY");
    const audited = await getDb().auditEvent.findMany({
      where: { workspaceId: ws.workspace.id, targetType: "secret" },
      orderBy: { createdAt: "asc" },
    });
    expect(audited.map((e) => e.action)).toEqual(["secret.set", "secret.set", "secret.deleted"]);
    expect(JSON.stringify(audited)).not.toContain(VALUE);
  });
});
