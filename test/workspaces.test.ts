import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportAudit, listAudit, type AuditFilter } from "../server/audit/audit";
import { actorForSession, actorForToken, type Actor } from "../server/auth/actor";
import { sha256 } from "../server/auth/secrets";
import { createToken, revokeToken } from "../server/auth/tokens";
import { afterSignIn } from "../server/auth/users";
import { getDb } from "../server/db/client";
import { getUsage, setQuota } from "../server/quotas/quotas";
import { acceptInvitation, createInvitation, previewInvitation } from "../server/workspaces/invitations";
import { changeRole, removeMember } from "../server/workspaces/members";
import { createWorkspace, deleteWorkspace, listWorkspacesOf, renameWorkspace } from "../server/workspaces/workspaces";
import { snapshotWorkspace } from "./support/cross-tenant";
import { uniqueName, useTestEnvironment } from "./support/env";
import { createUser, createWorkspaceWithRoles, outcome, refusal, type TestUser } from "./support/identity";

let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
beforeAll(async () => {
  environment = await useTestEnvironment("workspaces");
});
afterAll(async () => {
  await environment?.cleanup();
});

const who = (user: TestUser) => ({ userId: user.id, label: user.label });
const tokenOf = (url: string) => url.split("/invite/")[1]!;
const membership = (workspaceId: string, userId: string) =>
  getDb().membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } } });
const allAudit = async (actor: Actor, filter: AuditFilter = {}) => (await listAudit(actor, filter, { limit: 200 })).items;
/** Lets the clock move on, so consecutive events get distinct timestamps (ms precision). */
const tick = () => new Promise((r) => setTimeout(r, 3));
const collect = async (lines: AsyncGenerator<string>) => {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
};

describe("workspaces", () => {
  it("are created with their creator as owner and a slug of their own", async () => {
    const user = await createUser("creator");
    const name = `Acme ${uniqueName("co")}`;
    const first = await createWorkspace(who(user), { name });
    expect(first).toMatchObject({ name, role: "owner", personal: false });
    expect(first.slug).toMatch(/^acme-co-[0-9a-f]{8}$/);
    expect((await membership(first.id, user.id))?.role).toBe("owner");
    const second = await createWorkspace(who(user), { name });
    expect(second.slug).not.toBe(first.slug);
    expect(second.slug.startsWith(first.slug)).toBe(true);
    expect(await outcome(() => createWorkspace(who(user), { name: "Taken", slug: first.slug }))).toBe("conflict");
    await expect(createWorkspace(who(user), { name: "   " })).rejects.toThrow(/needs a name/);
    expect((await listWorkspacesOf(user.id)).map((w) => w.id).sort()).toEqual([first.id, second.id].sort());
  });

  it("are renamed, and the rename is audited with before and after", async () => {
    const ws = await createWorkspaceWithRoles("rename");
    const renamed = await renameWorkspace(await ws.actor("admin"), "  New name  ");
    expect(renamed.name).toBe("New name");
    expect((await getDb().workspace.findUniqueOrThrow({ where: { id: ws.workspace.id } })).name).toBe("New name");
    const [event] = await allAudit(await ws.actor("owner"), { action: "workspace.renamed" });
    expect(event).toMatchObject({ actorId: ws.users.admin.id, actorType: "user", data: { from: ws.workspace.name, to: "New name" } });
  });

  it("are deleted only with the typed confirmation; the deletion's audit event survives", async () => {
    const ws = await createWorkspaceWithRoles("delete");
    const owner = await ws.actor("owner");
    const token = await ws.token("member");
    await createInvitation(owner, { role: "member" });
    await setQuota(owner, "members", 20);
    const before = await snapshotWorkspace(ws.workspace.id);

    for (const wrong of ["", ws.workspace.name, ws.workspace.slug.toUpperCase(), `${ws.workspace.slug} `]) {
      const error = await refusal(() => deleteWorkspace(owner, wrong));
      expect(error?.code).toBe("bad_request");
      expect(error?.extra.hint).toContain(ws.workspace.slug);
    }
    expect(await snapshotWorkspace(ws.workspace.id)).toEqual(before);

    await deleteWorkspace(owner, ws.workspace.slug);
    const after = await snapshotWorkspace(ws.workspace.id);
    expect(after).toMatchObject({ workspace: null, memberships: [], tokens: [], invitations: [], quotas: [] });
    expect(await outcome(() => actorForToken(token.authorization))).toBe("unauthorized");
    expect(await outcome(() => actorForSession(ws.users.owner.id, ws.workspace.slug))).toBe("not_found");
    // The people remain; only the workspace and what was in it are gone.
    expect(await getDb().user.count({ where: { id: { in: Object.values(ws.users).map((u) => u.id) } } })).toBe(4);
    const trail = await getDb().auditEvent.findMany({ where: { workspaceId: ws.workspace.id }, orderBy: { createdAt: "asc" } });
    expect(trail.at(-1)).toMatchObject({ action: "workspace.deleted", actorId: ws.users.owner.id, data: { slug: ws.workspace.slug } });
    expect(trail.map((e) => e.action)).toEqual(
      expect.arrayContaining(["workspace.created", "token.created", "invitation.created", "quota.updated", "workspace.deleted"]),
    );
    expect(trail.length).toBe(before.auditEvents + 1);
  });
});

describe("invitations", () => {
  it("are single use: the first to accept joins with the role, later ones are refused", async () => {
    const ws = await createWorkspaceWithRoles("invite");
    const invitation = await createInvitation(await ws.actor("admin"), { role: "viewer", expiresInHours: 2 });
    const token = tokenOf(invitation.url);
    expect(token).toMatch(/^cxi_/);
    // Only the hash is kept.
    const row = await getDb().invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(row.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(await previewInvitation(token)).toEqual({
      workspaceName: ws.workspace.name,
      workspaceSlug: ws.workspace.slug,
      role: "viewer",
      state: "valid",
    });

    const [first, second] = [await createUser("joiner"), await createUser("late")];
    expect(await acceptInvitation(who(first), token)).toEqual({ slug: ws.workspace.slug });
    expect((await membership(ws.workspace.id, first.id))?.role).toBe("viewer");
    expect((await previewInvitation(token))?.state).toBe("used");

    const late = await refusal(() => acceptInvitation(who(second), token));
    expect(late?.code).toBe("conflict");
    expect(late?.message).toMatch(/already used/);
    expect(await membership(ws.workspace.id, second.id)).toBeNull();
    // Opening it again as the one who joined is harmless.
    expect(await acceptInvitation(who(first), token)).toEqual({ slug: ws.workspace.slug });
    expect(await getDb().membership.count({ where: { workspaceId: ws.workspace.id, userId: first.id } })).toBe(1);
    expect(await getDb().invitation.findUniqueOrThrow({ where: { id: invitation.id } })).toMatchObject({ usedById: first.id });
  });

  it("expire", async () => {
    const ws = await createWorkspaceWithRoles("invite_expiry");
    const invitation = await createInvitation(await ws.actor("owner"), { role: "member", expiresInHours: 1 });
    expect(new Date(invitation.expiresAt).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    await getDb().invitation.update({ where: { id: invitation.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const token = tokenOf(invitation.url);
    expect((await previewInvitation(token))?.state).toBe("expired");
    const user = await createUser("too_late");
    const error = await refusal(() => acceptInvitation(who(user), token));
    expect(error?.code).toBe("conflict");
    expect(error?.message).toMatch(/expired/);
    expect(await membership(ws.workspace.id, user.id)).toBeNull();
  });

  it("that do not exist are not found", async () => {
    expect(await previewInvitation("cxi_nothing")).toBeNull();
    expect(await outcome(async () => acceptInvitation(who(await createUser("nobody")), "cxi_nothing"))).toBe("not_found");
  });
});

describe("quotas", () => {
  it("refuse a member past the limit, naming it, without using up the invitation", async () => {
    const ws = await createWorkspaceWithRoles("quota_members");
    const owner = await ws.actor("owner");
    await setQuota(owner, "members", 4);
    const { url } = await createInvitation(owner, { role: "member" });
    const joiner = await createUser("over");
    const error = await refusal(() => acceptInvitation(who(joiner), tokenOf(url)));
    expect(error?.code).toBe("quota_exceeded");
    expect(error?.message).toContain('quota "members"');
    expect(error?.message).toContain("limit of 4");
    expect(error?.extra.details).toEqual({ quota: "members", limit: 4, used: 4 });
    expect(await membership(ws.workspace.id, joiner.id)).toBeNull();
    expect((await previewInvitation(tokenOf(url)))?.state).toBe("valid");

    await setQuota(owner, "members", 5);
    await acceptInvitation(who(joiner), tokenOf(url));
    expect((await membership(ws.workspace.id, joiner.id))?.role).toBe("member");
  });

  it("refuse a token past the limit; revoked and expired tokens do not count", async () => {
    const ws = await createWorkspaceWithRoles("quota_tokens");
    const owner = await ws.actor("owner");
    await setQuota(owner, "tokens", 2);
    const first = await createToken(owner, { name: "one", scopes: ["agents:read"] });
    await createToken(owner, { name: "two", scopes: ["agents:read"] });
    const error = await refusal(() => createToken(owner, { name: "three", scopes: ["agents:read"] }));
    expect(error?.code).toBe("quota_exceeded");
    expect(error?.message).toContain('quota "tokens"');
    expect(error?.extra.details).toEqual({ quota: "tokens", limit: 2, used: 2 });
    expect(await getDb().apiToken.count({ where: { workspaceId: ws.workspace.id } })).toBe(2);

    await revokeToken(owner, first.id);
    const third = await createToken(owner, { name: "three", scopes: ["agents:read"] });
    await getDb().apiToken.update({ where: { id: third.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    await createToken(owner, { name: "four", scopes: ["agents:read"] });
    expect(await outcome(() => createToken(owner, { name: "five", scopes: ["agents:read"] }))).toBe("quota_exceeded");
  });

  it("show limits and usage; a reset returns to the default", async () => {
    const ws = await createWorkspaceWithRoles("quota_usage");
    const owner = await ws.actor("owner");
    await ws.token("admin");
    const byName = async () => Object.fromEntries((await getUsage(owner)).map((q) => [q.name, q]));
    const defaults = await byName();
    expect(defaults.members).toMatchObject({ used: 4, isDefault: true });
    expect(defaults.tokens).toMatchObject({ used: 1, isDefault: true });
    await setQuota(owner, "members", 7);
    expect((await byName()).members).toMatchObject({ limit: 7, used: 4, isDefault: false });
    await setQuota(owner, "members", null);
    expect((await byName()).members).toMatchObject({ limit: defaults.members!.limit, isDefault: true });
    expect(await getDb().quota.count({ where: { workspaceId: ws.workspace.id } })).toBe(0);
  });
});

describe("the audit log", () => {
  it("records a sign-in, and gives a first-time user a personal workspace", async () => {
    const user = await createUser("newcomer");
    await afterSignIn(user.id, "github");
    const [personal] = await listWorkspacesOf(user.id);
    expect(personal).toMatchObject({ personal: true, role: "owner", name: `${user.email.split("@")[0]}'s workspace` });
    const actor = await actorForSession(user.id, personal!.slug);
    expect((await allAudit(actor)).map((e) => [e.action, e.actorId, e.data])).toEqual([
      ["user.signed_in", user.id, { method: "github" }],
      ["workspace.created", user.id, { name: personal!.name, slug: personal!.slug }],
    ]);

    // A later sign-in is recorded in every workspace of theirs, and makes no new one.
    const ws = await createWorkspaceWithRoles("signin");
    await afterSignIn(ws.users.viewer.id, "operator");
    expect(await listWorkspacesOf(ws.users.viewer.id)).toHaveLength(1);
    const [signIn] = await allAudit(await ws.actor("owner"), { action: "user.signed_in" });
    expect(signIn).toMatchObject({ actorId: ws.users.viewer.id, actorLabel: ws.users.viewer.label, data: { method: "operator" } });
  });

  it("records each action with who did it, and filters by actor, action and time", async () => {
    const ws = await createWorkspaceWithRoles("audit");
    const owner = await ws.actor("owner");
    const admin = await ws.actor("admin");
    const tokenActor = await ws.tokenActor("admin", ["admin"]);
    const joiner = await createUser("audit-joiner");
    // Phase one: by people.
    const steps = [
      async () => acceptInvitation(who(joiner), tokenOf((await createInvitation(admin, { role: "member" })).url)),
      () => changeRole(admin, joiner.id, "viewer"),
      () => removeMember(admin, joiner.id),
      () => renameWorkspace(owner, "Audited"),
      () => setQuota(owner, "tokens", 10),
    ];
    for (const step of steps) {
      await tick();
      await step();
    }
    await tick();
    // Phase two: by a token.
    const made = await createToken(tokenActor, { name: "made by a token", scopes: ["agents:read"] });
    await revokeToken(tokenActor, made.id);

    const events = await allAudit(owner);
    // Leave out what the fixture itself recorded (the workspace, the token behind tokenActor).
    const mine = events.filter((e) => (e.action !== "workspace.created" && e.action !== "token.created") || e.targetId === made.id);
    expect(mine.map((e) => [e.action, e.actorType, e.actorId])).toEqual([
      ["token.revoked", "token", ws.users.admin.id],
      ["token.created", "token", ws.users.admin.id],
      ["quota.updated", "user", ws.users.owner.id],
      ["workspace.renamed", "user", ws.users.owner.id],
      ["member.removed", "user", ws.users.admin.id],
      ["member.role_changed", "user", ws.users.admin.id],
      ["member.joined", "user", joiner.id],
      ["invitation.created", "user", ws.users.admin.id],
    ]);
    expect(mine.find((e) => e.action === "member.role_changed")?.data).toEqual({ from: "member", to: "viewer" });
    expect(mine.find((e) => e.action === "member.removed")).toMatchObject({ targetId: joiner.id, data: { role: "viewer", left: false } });
    expect(mine.find((e) => e.action === "quota.updated")).toMatchObject({ targetId: "tokens", data: { limit: 10 } });
    expect(mine[0]!.actorLabel).toContain(ws.users.admin.email);

    // Filters.
    const byId = await allAudit(owner, { actor: joiner.id });
    expect(byId.map((e) => e.action)).toEqual(["member.joined"]);
    const byLabel = await allAudit(owner, { actor: joiner.email.split("@")[0]!.toUpperCase() });
    expect(byLabel.map((e) => e.id)).toEqual(byId.map((e) => e.id));
    const byAdmin = await allAudit(owner, { actor: ws.users.admin.id });
    expect(byAdmin.map((e) => e.action)).toEqual([
      "token.revoked",
      "token.created",
      "member.removed",
      "member.role_changed",
      "invitation.created",
    ]);
    expect((await allAudit(owner, { action: "member.removed" })).map((e) => e.targetId)).toEqual([joiner.id]);

    const phaseTwoStart = new Date(mine[1]!.createdAt);
    const since = await allAudit(owner, { since: phaseTwoStart });
    expect(since.map((e) => e.action)).toEqual(["token.revoked", "token.created"]);
    const until = await allAudit(owner, { until: phaseTwoStart });
    expect(until.length).toBe(events.length - 2);
    expect(until.map((e) => e.id)).not.toContain(mine[1]!.id);
    const window = await allAudit(owner, { since: new Date(mine[6]!.createdAt), until: new Date(mine[3]!.createdAt) });
    expect(window.map((e) => e.action)).toEqual(["member.removed", "member.role_changed", "member.joined"]);
    const both = await allAudit(owner, { actor: ws.users.admin.id, action: "token.created" });
    expect(both.map((e) => e.targetId)).toEqual([made.id]);

    // Another workspace's events never show.
    const other = await createWorkspaceWithRoles("audit_other");
    expect((await allAudit(await other.actor("owner"))).some((e) => events.some((mineEvent) => mineEvent.id === e.id))).toBe(false);
  });

  it("exports the filtered log as JSON Lines, oldest first", async () => {
    const ws = await createWorkspaceWithRoles("export");
    const owner = await ws.actor("owner");
    await renameWorkspace(owner, "Exported");
    await setQuota(owner, "members", 30);
    await ws.token("admin");
    const lines = await collect(exportAudit(owner, {}));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) expect(line.endsWith("\n") && !line.slice(0, -1).includes("\n")).toBe(true);
    const exported = lines.map((line) => JSON.parse(line) as { id: string });
    expect(exported).toEqual([...(await allAudit(owner))].reverse());
    const filtered = (await collect(exportAudit(owner, { action: "quota.updated" }))).map((line) => JSON.parse(line));
    expect(filtered).toEqual([expect.objectContaining({ action: "quota.updated", data: { limit: 30 } })]);
    expect(await collect(exportAudit(owner, { action: "member.joined" }))).toEqual([]);
  });

  it("exports past one batch without losing or repeating an event, even with equal timestamps", async () => {
    const ws = await createWorkspaceWithRoles("export_big");
    const owner = await ws.actor("owner");
    const at = new Date("2026-06-01T12:00:00Z");
    await getDb().auditEvent.createMany({
      data: Array.from({ length: 1_203 }, (_, i) => ({
        workspaceId: ws.workspace.id,
        actorType: "system",
        actorLabel: "bulk",
        action: "quota.updated",
        data: { i },
        createdAt: at,
      })),
    });
    const exported = (await collect(exportAudit(owner, { action: "quota.updated" }))).map((line) => JSON.parse(line) as { id: string });
    expect(exported).toHaveLength(1_203);
    expect(new Set(exported.map((e) => e.id)).size).toBe(1_203);
    const expected = await getDb().auditEvent.findMany({
      where: { workspaceId: ws.workspace.id, action: "quota.updated" },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true },
    });
    expect(exported.map((e) => e.id)).toEqual(expected.map((e) => e.id));
  });
});
