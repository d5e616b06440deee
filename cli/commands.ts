import type { Command } from "./command";
import { platformCommands } from "./commands/platform";

export type { Command } from "./command";

/** Every `caxton` command, in the order --help lists them. Each area lives in cli/commands/. */
export const commands: Command[] = [...platformCommands];
