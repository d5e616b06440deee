/** Every action the audit log records, named `<thing>.<verb>` (shared with the UI's filter). */
export const auditActions = [
  "user.signed_in",
  "workspace.created",
  "workspace.renamed",
  "workspace.deleted",
  "invitation.created",
  "member.joined",
  "member.role_changed",
  "member.removed",
  "token.created",
  "token.revoked",
  "quota.updated",
  "agent.created",
  "agent.updated",
  "agent.activated",
  "agent.deleted",
  "tool.uploaded",
  "tool.deleted",
  "secret.set",
  "secret.deleted",
  "admin.bootstrap",
] as const;
export type AuditAction = (typeof auditActions)[number];
