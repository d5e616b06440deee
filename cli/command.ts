import type { ParsedArgs } from "./args";
import type { Output } from "./output";

/** A flag a command accepts besides the global ones (--json, --help, --version). */
export interface CommandOption {
  name: string;
  /** Placeholder of the value (`<email>`); absent for a switch such as --dev. */
  value?: string;
  description: string;
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  details?: string;
  /** Every flag the command takes; any other is refused with exit 2 before `run`. */
  options?: CommandOption[];
  /** Names of its positional arguments, all required (`tokens revoke <id>`). */
  arguments?: string[];
  /** The last of `arguments` may be given more than once (`agent validate <file|dir>...`). */
  variadic?: boolean;
  /** Names of optional arguments after the required ones (`dev [dir]`). */
  optionalArguments?: string[];
  /** Returns the exit code; may also throw a CliFailure, which main prints. */
  run(args: ParsedArgs, out: Output): Promise<number>;
}

export const globalFlags = ["json", "help", "version"];
