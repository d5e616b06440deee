import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAgents, pushAgent } from "../server/agents/agents";
import { exportAudit, listAudit } from "../server/audit/audit";
import { actorForSession, actorForToken, type Actor } from "../server/auth/actor";
import { permissionTable, roles, scopes, type Permission, type Role, type Scope } from "../server/auth/permissions";
import { createToken, listTokens, revokeToken } from "../server/auth/tokens";
import { getDb } from "../server/db/client";
import { getUsage, setQuota } from "../server/quotas/quotas";
import { setSecret } from "../server/secrets/secrets";
import { createInvitation } from "../server/workspaces/invitations";
import { changeRole, listMembers, removeMember } from "../server/workspaces/members";
import { deleteWorkspace, getWorkspace, renameWorkspace } from "../server/workspaces/workspaces";
import { sampleAgent } from "./support/agents";
import { sampleJsTool } from "./support/tools";
import { runTool } from "../server/tools/runs";
import { getConversation, sendMessage } from "../server/messaging/messages";
import { listTools, uploadTool } from "../server/tools/tools";
import { useTestEnvironment } from "./support/env";
import {
  createToken as mintToken,
  createWorkspaceWithRoles,
  outcome,
  refusal,
  type TestToken,
  type TestUser,
  type WorkspaceFixture,
} from "./support/identity";

let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
beforeAll(async () => {
  environment = await useTestEnvironment("permissions");
});
afterAll(async () => {
  await environment?.cleanup();
});

/** A fresh workspace per case, so a permitted delete or removal cannot spill into the next. */
interface Scene {
  fixture: WorkspaceFixture;
  actor: Actor;
  /** A plain member other than the actor: the one role changes and removals aim at. */
  target: TestUser;
  /** Another token of the actor's own user. */
  ownToken: TestToken;
  /** A token of the target's. */
  othersToken: TestToken;
}

async function scene(role: Role, via: { session: true } | { scopes: readonly Scope[] }): Promise<Scene> {
  const fixture = await createWorkspaceWithRoles("perm");
  const target = await fixture.addMember("member", "perm-target");
  const ownToken = await fixture.token(role, { name: "own" });
  const othersToken = await mintToken(target.id, fixture.workspace.id, { name: "others" });
  const actor = "session" in via ? await fixture.actor(role) : await fixture.tokenActor(role, via.scopes);
  return { fixture, actor, target, ownToken, othersToken };
}

/** The real service call each permission guards. */
const guardedCall = {
  "workspace.view": ({ actor }) => getWorkspace(actor),
  "workspace.rename": ({ actor }) => renameWorkspace(actor, "Renamed"),
  "workspace.delete": ({ actor }) => deleteWorkspace(actor, actor.workspaceSlug),
  "members.view": ({ actor }) => listMembers(actor, { limit: 50 }),
  "members.invite": ({ actor }) => createInvitation(actor, { role: "member" }),
  "members.update": ({ actor, target }) => changeRole(actor, target.id, "viewer"),
  "members.remove": ({ actor, target }) => removeMember(actor, target.id),
  "tokens.view": ({ actor }) => listTokens(actor, { limit: 50 }),
  "tokens.create": ({ actor }) => createToken(actor, { name: "made in a test", scopes: ["agents:read"] }),
  "tokens.revoke": ({ actor, ownToken }) => revokeToken(actor, ownToken.id),
  "tokens.manageAll": ({ actor, othersToken }) => revokeToken(actor, othersToken.id),
  "audit.view": async ({ actor }) => {
    await listAudit(actor, {}, { limit: 50 });
    await exportAudit(actor, {}).next();
  },
  "agents.view": ({ actor }) => listAgents(actor, { limit: 50 }),
  "agents.write": ({ actor }) => pushAgent(actor, sampleAgent(`perm-${actor.role}`)),
  "tools.view": ({ actor }) => listTools(actor, { limit: 50 }),
  "tools.write": ({ actor }) => uploadTool(actor, sampleJsTool(`perm-${actor.role}`)),
  // Authorization comes before the lookup: not_found means the permission let it through
  // (running needs a worker, which this suite does not start).
  "tools.run": ({ actor }) =>
    runTool(actor, "no-such-tool", {}).catch((error: { code?: string }) =>
      error.code === "not_found" ? undefined : Promise.reject(error),
    ),
  "messages.view": ({ actor }) =>
    getConversation(actor, "no-such-conversation").catch((error: { code?: string }) =>
      error.code === "not_found" ? undefined : Promise.reject(error),
    ),
  "messages.send": ({ actor }) => sendMessage(actor, { capability: "summarize", content: "hello" }),
  "quotas.view": ({ actor }) => getUsage(actor),
  "quotas.update": ({ actor }) => setQuota(actor, "members", 100),
  "secrets.write": ({ actor }) => setSecret(actor, "PERMISSION_TEST", "a value"),
} satisfies Record<Permission, (scene: Scene) => Promise<unknown>>;

const permissions = Object.keys(permissionTable) as Permission[];
const allowedRoles = (permission: Permission): readonly Role[] => permissionTable[permission].roles;

describe("the permission table, enforced by the services", () => {
  it("has a guarded call for every permission", () => {
    expect(Object.keys(guardedCall).sort()).toEqual([...permissions].sort());
  });

  const sessionCases = permissions.flatMap((permission) =>
    roles.map((role) => ({ permission, role, allowed: allowedRoles(permission).includes(role) })),
  );
  // Each case has a workspace of its own, so they run side by side.
  it.concurrent.for(sessionCases)(
    "$permission as a signed-in $role: allowed=$allowed",
    async ({ permission, role, allowed }, { expect }) => {
      const s = await scene(role, { session: true });
      expect(await outcome(() => guardedCall[permission](s))).toBe(allowed ? "ok" : "forbidden");
    },
  );

  const tokenCases = permissions.flatMap((permission) => {
    const scope = permissionTable[permission].scope as Scope | null;
    return roles.flatMap((role) => {
      if (!allowedRoles(permission).includes(role)) {
        return [{ permission, role, scopes: [...scopes], expected: "forbidden", why: "role lacks it" }];
      }
      if (scope === null) return [{ permission, role, scopes: ["agents:read" as Scope], expected: "ok", why: "no scope needed" }];
      return [
        { permission, role, scopes: [scope], expected: "ok", why: `has "${scope}"` },
        { permission, role, scopes: scopes.filter((s) => s !== scope), expected: "forbidden", why: `every scope but "${scope}"` },
      ];
    });
  });
  it.concurrent.for(tokenCases)(
    "$permission with a $role's token ($why): $expected",
    async ({ permission, role, scopes: tokenScopes, expected }, { expect }) => {
      const s = await scene(role, { scopes: tokenScopes });
      const error = await refusal(() => guardedCall[permission](s));
      expect(error?.code ?? "ok").toBe(expected);
      const scope = permissionTable[permission].scope;
      if (expected === "forbidden" && allowedRoles(permission).includes(role)) {
        expect(error?.message).toContain(`lacks the "${scope}" scope`);
      }
    },
  );
});

describe("rules beyond the table", () => {
  let ws: WorkspaceFixture;
  beforeAll(async () => {
    ws = await createWorkspaceWithRoles("rules");
  });
  const membership = (userId: string, fixture = ws) =>
    getDb().membership.findUnique({ where: { workspaceId_userId: { workspaceId: fixture.workspace.id, userId } } });

  it("the last owner can neither leave nor be demoted; with a second owner both work", async () => {
    const fixture = await createWorkspaceWithRoles("last_owner");
    const owner = await fixture.actor("owner");
    const leave = await refusal(() => removeMember(owner, fixture.users.owner.id));
    expect(leave?.code).toBe("conflict");
    expect(leave?.message).toMatch(/last owner cannot leave/);
    const demote = await refusal(() => changeRole(owner, fixture.users.owner.id, "admin"));
    expect(demote?.code).toBe("conflict");
    expect((await membership(fixture.users.owner.id, fixture))?.role).toBe("owner");

    await changeRole(owner, fixture.users.admin.id, "owner");
    await changeRole(owner, fixture.users.owner.id, "admin");
    expect((await membership(fixture.users.owner.id, fixture))?.role).toBe("admin");
    const secondOwner = await fixture.actor("admin"); // the former admin, now the only owner
    expect(secondOwner.role).toBe("owner");
    expect(await outcome(() => removeMember(secondOwner, fixture.users.admin.id))).toBe("conflict");
  });

  it("an admin cannot make an owner, change or remove an owner, or invite one", async () => {
    const admin = await ws.actor("admin");
    expect(await outcome(() => changeRole(admin, ws.users.member.id, "owner"))).toBe("forbidden");
    expect(await outcome(() => changeRole(admin, ws.users.owner.id, "member"))).toBe("forbidden");
    expect(await outcome(() => removeMember(admin, ws.users.owner.id))).toBe("forbidden");
    expect(await outcome(() => createInvitation(admin, { role: "owner" }))).toBe("forbidden");
    expect((await membership(ws.users.owner.id))?.role).toBe("owner");
    expect((await membership(ws.users.member.id))?.role).toBe("member");
    // Below owner, an admin manages freely.
    const extra = await ws.addMember("member", "rules-extra");
    expect((await changeRole(admin, extra.id, "admin")).role).toBe("admin");
    await removeMember(admin, extra.id);
    expect(await membership(extra.id)).toBeNull();
  });

  it.each(["admin", "member", "viewer"] as const)("a %s may leave (and their tokens stop working)", async (role) => {
    const fixture = await createWorkspaceWithRoles(`leave_${role}`);
    const token = await fixture.token(role);
    await removeMember(await fixture.actor(role), fixture.users[role].id);
    expect(await membership(fixture.users[role].id, fixture)).toBeNull();
    expect(await outcome(() => actorForToken(token.authorization))).toBe("unauthorized");
    expect(await outcome(() => actorForSession(fixture.users[role].id, fixture.workspace.slug))).toBe("not_found");
  });

  it("an owner may leave when another owner remains", async () => {
    const fixture = await createWorkspaceWithRoles("leave_owner");
    await changeRole(await fixture.actor("owner"), fixture.users.admin.id, "owner");
    await removeMember(await fixture.actor("owner"), fixture.users.owner.id);
    expect(await membership(fixture.users.owner.id, fixture)).toBeNull();
  });

  it("a token without the admin scope cannot remove its own user from the workspace", async () => {
    const fixture = await createWorkspaceWithRoles("leave_token");
    const readOnly = await fixture.tokenActor("member", ["agents:read"]);
    const error = await refusal(() => removeMember(readOnly, fixture.users.member.id));
    expect(error?.code).toBe("forbidden");
    expect(await membership(fixture.users.member.id, fixture)).not.toBeNull();
    await removeMember(await fixture.tokenActor("member", ["admin"]), fixture.users.member.id);
    expect(await membership(fixture.users.member.id, fixture)).toBeNull();
  });

  it("members see only their own tokens; owners and admins see everyone's", async () => {
    const fixture = await createWorkspaceWithRoles("token_lists");
    const made: Record<Role, TestToken> = {} as Record<Role, TestToken>;
    for (const role of roles) made[role] = await fixture.token(role);
    const all = roles.map((role) => made[role].id).sort();
    const listed = async (actor: Actor) => (await listTokens(actor, { limit: 200 })).items.map((t) => t.id).sort();
    expect(await listed(await fixture.actor("owner"))).toEqual(all);
    expect(await listed(await fixture.actor("admin"))).toEqual(all);
    expect(await listed(await fixture.actor("member"))).toEqual([made.member.id]);
    expect(await outcome(async () => listTokens(await fixture.actor("viewer"), { limit: 1 }))).toBe("forbidden");
    // An admin's token without the admin scope acts like a member here.
    const narrow = await fixture.tokenActor("admin", ["agents:read"]);
    expect((await listed(narrow)).every((id) => id !== made.owner.id)).toBe(true);
    // A member cannot revoke someone else's token (a refusal, as the table says), and it keeps working.
    expect(await outcome(async () => revokeToken(await fixture.actor("member"), made.admin.id))).toBe("forbidden");
    expect((await actorForToken(made.admin.authorization)).userId).toBe(fixture.users.admin.id);
  });

  it("a removed member's tokens answer 401", async () => {
    const fixture = await createWorkspaceWithRoles("removed");
    const token = await fixture.token("member");
    expect((await actorForToken(token.authorization)).userId).toBe(fixture.users.member.id);
    await removeMember(await fixture.actor("admin"), fixture.users.member.id);
    const error = await refusal(() => actorForToken(token.authorization));
    expect(error?.code).toBe("unauthorized");
    expect(error?.status).toBe(401);
  });

  it("a token whose user's membership is gone answers 401 even if the token was never revoked", async () => {
    const fixture = await createWorkspaceWithRoles("membership_gone");
    const token = await fixture.token("member");
    await getDb().membership.delete({
      where: { workspaceId_userId: { workspaceId: fixture.workspace.id, userId: fixture.users.member.id } },
    });
    const error = await refusal(() => actorForToken(token.authorization));
    expect(error?.code).toBe("unauthorized");
    expect(error?.message).toMatch(/no longer a member/);
  });
});
