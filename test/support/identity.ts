import { actorForSession, actorForToken, type Actor } from "../../server/auth/actor";
import { createSession, sessionCookieName } from "../../server/auth/operator";
import { roles, scopes, type Role, type Scope } from "../../server/auth/permissions";
import { createTokenFor } from "../../server/auth/tokens";
import { getDb } from "../../server/db/client";
import { AppError } from "../../server/lib/errors";
import { createWorkspace } from "../../server/workspaces/workspaces";
import { uniqueName } from "./env";

/**
 * Identity fixtures for integration tests: real rows through the real services (or, for
 * memberships, straight into the table the services read). Call useTestEnvironment() first
 * so getDb() points at the suite's own schema.
 */

export const allScopes: readonly Scope[] = scopes;

export interface TestUser {
  id: string;
  email: string;
  /** What the audit log records for this user (their email). */
  label: string;
}

export async function createUser(label = "user"): Promise<TestUser> {
  const name = uniqueName(label);
  const email = `${name}@example.test`;
  const user = await getDb().user.create({ data: { email, name } });
  return { id: user.id, email, label: email };
}

export interface TestToken {
  id: string;
  /** The secret itself, `cx_...`. */
  token: string;
  /** `Bearer cx_...`, ready for an Authorization header. */
  authorization: string;
  scopes: Scope[];
}

/** An API token of `userId` in `workspaceId`, minted the way `caxton admin bootstrap` does. */
export async function createToken(
  userId: string,
  workspaceId: string,
  options: { scopes?: readonly Scope[]; name?: string; expiresAt?: Date } = {},
): Promise<TestToken> {
  const tokenScopes = [...(options.scopes ?? allScopes)];
  const created = await createTokenFor(
    { system: "test fixture" },
    { userId, workspaceId },
    { name: options.name ?? uniqueName("token"), scopes: tokenScopes, expiresAt: options.expiresAt },
  );
  return { id: created.id, token: created.token, authorization: `Bearer ${created.token}`, scopes: tokenScopes };
}

export interface TestSession {
  sessionToken: string;
  /** The Cookie header Auth.js reads on plain http. */
  cookie: string;
}

/** An Auth.js database session, as a real sign-in leaves it. */
export async function createSessionFor(userId: string): Promise<TestSession> {
  const { sessionToken } = await createSession(userId);
  return { sessionToken, cookie: `${sessionCookieName(false)}=${sessionToken}` };
}

export interface WorkspaceFixture {
  workspace: { id: string; slug: string; name: string };
  /** One member per role; `owner` created the workspace. */
  users: Record<Role, TestUser>;
  /** The actor a signed-in member of that role acts as (through actorForSession). */
  actor(role: Role): Promise<Actor>;
  /** A token of that role's member; every scope unless told otherwise. */
  token(role: Role, options?: { scopes?: readonly Scope[]; name?: string; expiresAt?: Date }): Promise<TestToken>;
  /** The actor a token acts as (through actorForToken, the REST path). */
  tokenActor(role: Role, tokenScopes?: readonly Scope[]): Promise<Actor>;
  /** Adds another user with the given role. */
  addMember(role: Role, label?: string): Promise<TestUser>;
}

/** A workspace with one member per role: owner, admin, member, viewer. */
export async function createWorkspaceWithRoles(label = "ws"): Promise<WorkspaceFixture> {
  const owner = await createUser(`${label}-owner`);
  const view = await createWorkspace({ userId: owner.id, label: owner.label }, { name: uniqueName(label) });
  const workspace = { id: view.id, slug: view.slug, name: view.name };
  const addMember = async (role: Role, memberLabel = `${label}-${role}`) => {
    const user = await createUser(memberLabel);
    await getDb().membership.create({ data: { workspaceId: workspace.id, userId: user.id, role } });
    return user;
  };
  const users = { owner } as Record<Role, TestUser>;
  for (const role of roles) if (role !== "owner") users[role] = await addMember(role);
  const token: WorkspaceFixture["token"] = (role, options) => createToken(users[role].id, workspace.id, options);
  return {
    workspace,
    users,
    addMember,
    token,
    actor: (role) => actorForSession(users[role].id, workspace.slug),
    tokenActor: async (role, tokenScopes) => actorForToken((await token(role, { scopes: tokenScopes })).authorization),
  };
}

/** The AppError `fn` threw, or null when it succeeded; anything else is rethrown. */
export async function refusal(fn: () => Promise<unknown>): Promise<AppError | null> {
  try {
    await fn();
    return null;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

/** "ok", or the code of the AppError `fn` threw. */
export const outcome = async (fn: () => Promise<unknown>): Promise<string> => (await refusal(fn))?.code ?? "ok";
