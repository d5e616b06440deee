import { router } from "./init";
import { meRouter } from "./routers/me";
import { systemRouter } from "./routers/system";
import { auditRouter, invitationsRouter, membersRouter, tokensRouter, usageRouter, workspacesRouter } from "./routers/workspaces";

/** Every domain router, wired in one place. */
export const appRouter = router({
  system: systemRouter,
  me: meRouter,
  workspaces: workspacesRouter,
  members: membersRouter,
  invitations: invitationsRouter,
  tokens: tokensRouter,
  audit: auditRouter,
  usage: usageRouter,
});

export type AppRouter = typeof appRouter;
