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
export const commands: Command[] = [...platformCommands, ...sessionCommands, ...workspaceCommands, ...tokenCommands, ...secretCommands, ...agentCommands, ...devCommands, ...toolCommands, ...messageCommands, ...adminCommands];
