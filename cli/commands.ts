import type { Command } from "./command";
import { adminCommands } from "./commands/admin";
import { agentCommands } from "./commands/agents";
import { devCommands } from "./commands/dev";
import { platformCommands } from "./commands/platform";
import { sessionCommands } from "./commands/session";
import { secretCommands } from "./commands/secrets";
import { tokenCommands } from "./commands/tokens";
import { messageCommands } from "./commands/messages";
import { toolCommands } from "./commands/tools";
import { workspaceCommands } from "./commands/workspaces";

export type { Command } from "./command";

/** Every `caxton` command, in the order --help lists them. Each area lives in cli/commands/. */
export const commands: Command[] = [
  ...platformCommands,
  ...sessionCommands,
  ...workspaceCommands,
  ...tokenCommands,
  ...secretCommands,
  ...agentCommands,
  ...devCommands,
  ...toolCommands,
  ...messageCommands,
  ...adminCommands,
];

/**
 * What each group of commands (the first word of `agent push`) is about, for `caxton <group>`
 * and `caxton <group> --help`. test/cli.test.ts checks that every group has one.
 */
export const groupSummaries: Record<string, string> = {
  db: "The database Caxton runs on (uses DATABASE_URL).",
  workspaces: "The workspaces your token can reach.",
  tokens: "API tokens of your workspace: create, list, revoke.",
  secret: "Workspace secrets, such as the API keys of agents' LLM providers (values are never shown).",
  agent: "Agents: check and push their documents, see and roll back their versions, create them from templates.",
  tool: "Sandboxed tools: upload, list, run, and see their calls.",
  admin: "Operator commands that work on the database directly (uses DATABASE_URL).",
};
