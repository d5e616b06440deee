import { defaultGrammar, type FlagGrammar, type ParsedArgs } from "./args";
import type { Output } from "./output";

/** A flag a command accepts besides the global ones (--json, --help, --version). */
export interface CommandOption {
  name: string;
  /** Placeholder of the value (`<email>`); absent for a switch such as --dev. */
  value?: string;
  /**
   * The value may be left out (`--wait` or `--wait 60`): the next word is taken as the value
   * only when it matches; `--no-<name>` turns the option off. Needs `value`.
   */
  optionalValue?: RegExp;
  /** May be given more than once (`--scopes a --scopes b`). */
  repeatable?: boolean;
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

/** How to read the flags of these commands: the parser follows what their options declare. */
export function grammarOf(commands: readonly Command[]): FlagGrammar {
  const options = commands.flatMap((c) => c.options ?? []);
  return {
    switches: [...defaultGrammar.switches, ...options.filter((o) => !o.value).map((o) => o.name)],
    lists: options.filter((o) => o.repeatable).map((o) => o.name),
    optional: Object.fromEntries(options.filter((o) => o.value && o.optionalValue).map((o) => [o.name, o.optionalValue!])),
  };
}

/** `--wait [<s>]`, `--name <email>`, `--dev`: how an option is written in help. */
export const optionLabel = (o: CommandOption) => `--${o.name}${o.value ? (o.optionalValue ? ` [<${o.value}>]` : ` <${o.value}>`) : ""}`;
