/**
 * Who may do what: the single table the server enforces and the UI reads to hide what a
 * role cannot do. A session acts with its member's role; an API token acts with its
 * member's role *and* needs the permission's scope.
 */
export const roles = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof roles)[number];

export const scopes = [
  "agents:read",
  "agents:write",
  "messages:send",
  "tools:write",
  "tools:run",
  "memory:read",
  "memory:write",
  "admin",
] as const;
export type Scope = (typeof scopes)[number];

export const scopeDescriptions: Record<Scope, string> = {
  "agents:read": "Read agents and their versions",
  "agents:write": "Create, change and delete agents",
  "messages:send": "Send messages to agents",
  "tools:write": "Upload and delete tools",
  "tools:run": "Run tools",
  "memory:read": "Search agent memory",
  "memory:write": "Write agent memory",
  admin: "Manage the workspace: members, tokens, audit log, quotas, secrets",
};

interface Rule {
  roles: readonly Role[];
  /** Scope a token needs; null: any valid token of the workspace may. */
  scope: Scope | null;
  description: string;
}

const everyone = roles;
const managers = ["owner", "admin"] as const;
const contributors = ["owner", "admin", "member"] as const;

export const permissionTable = {
  "workspace.view": { roles: everyone, scope: null, description: "See the workspace" },
  "workspace.rename": { roles: managers, scope: "admin", description: "Rename the workspace" },
  "workspace.delete": { roles: ["owner"], scope: "admin", description: "Delete the workspace" },
  "members.view": { roles: everyone, scope: null, description: "See members and their roles" },
  "members.invite": { roles: managers, scope: "admin", description: "Create invitation links" },
  "members.update": { roles: managers, scope: "admin", description: "Change members' roles" },
  "members.remove": { roles: managers, scope: "admin", description: "Remove members" },
  "tokens.view": { roles: contributors, scope: null, description: "See API tokens (members: their own)" },
  "tokens.create": { roles: contributors, scope: "admin", description: "Create API tokens" },
  "tokens.revoke": { roles: contributors, scope: "admin", description: "Revoke API tokens (members: their own)" },
  "tokens.manageAll": { roles: managers, scope: "admin", description: "See and revoke every member's tokens" },
  "audit.view": { roles: managers, scope: "admin", description: "Read and export the audit log" },
  "agents.view": { roles: everyone, scope: "agents:read", description: "See agents, their versions and diffs" },
  "agents.write": { roles: contributors, scope: "agents:write", description: "Create, change, activate and delete agents" },
  "tools.view": { roles: everyone, scope: null, description: "See tools, their versions and invocations" },
  "tools.write": { roles: contributors, scope: "tools:write", description: "Upload and delete tools" },
  "tools.run": { roles: contributors, scope: "tools:run", description: "Run tools" },
  "messages.view": { roles: everyone, scope: null, description: "Read conversations and messages" },
  "messages.send": { roles: contributors, scope: "messages:send", description: "Send messages to agents" },
  "quotas.view": { roles: everyone, scope: null, description: "See limits and usage" },
  "quotas.update": { roles: ["owner"], scope: "admin", description: "Change the workspace's limits" },
  "secrets.write": { roles: managers, scope: "admin", description: "Set, list and delete workspace secrets (values are never shown)" },
} as const satisfies Record<string, Rule>;

export type Permission = keyof typeof permissionTable;

export interface Grant {
  role: Role;
  /** Present for API tokens only. */
  scopes?: readonly Scope[];
}

export function can(grant: Grant, permission: Permission): boolean {
  const rule: Rule = permissionTable[permission];
  if (!rule.roles.includes(grant.role)) return false;
  if (grant.scopes && rule.scope !== null && !grant.scopes.includes(rule.scope)) return false;
  return true;
}

/** Every permission a grant holds: what the UI uses to show or hide actions. */
export function permissionsOf(grant: Grant): Permission[] {
  return (Object.keys(permissionTable) as Permission[]).filter((p) => can(grant, p));
}

/** Roles ordered by power, for "an admin cannot make someone an owner" style rules. */
export const roleRank: Record<Role, number> = { owner: 3, admin: 2, member: 1, viewer: 0 };
