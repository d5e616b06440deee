import { router } from "./init";
import { agentsRouter } from "./routers/agents";
import { messagesRouter } from "./routers/messages";
import { toolsRouter } from "./routers/tools";
import { meRouter } from "./routers/me";
import { systemRouter } from "./routers/system";
import { auditRouter } from "./routers/audit";
import { invitationsRouter, membersRouter } from "./routers/members";
import { secretsRouter } from "./routers/secrets";
import { tokensRouter } from "./routers/tokens";
import { usageRouter } from "./routers/usage";
import { workspacesRouter } from "./routers/workspaces";

/** Every domain router, wired in one place. */
export const appRouter = router({
  system: systemRouter,
  me: meRouter,
  workspaces: workspacesRouter,
  members: membersRouter,
  invitations: invitationsRouter,
  tokens: tokensRouter,
  secrets: secretsRouter,
  audit: auditRouter,
  usage: usageRouter,
  agents: agentsRouter,
  tools: toolsRouter,
  messages: messagesRouter,
});

export type AppRouter = typeof appRouter;
