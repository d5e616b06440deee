import { usageError } from "./errors";

export interface ParsedArgs {
  positionals: string[];
  /** A switch is `true`; a flag with an optional value is `true` (bare), its value, or `false` (`--no-<name>`). */
  flags: Record<string, string | boolean>;
  /** Every value of each repeatable flag, in order (flags joins them with commas, which a value may contain). */
  lists?: Record<string, string[]>;
}

/** How the words after `--name` are read: what a command's options declare (cli/command.ts). */
export interface FlagGrammar {
  /** Never take a value: `--json`, `--yes`. */
  switches: readonly string[];
  /** May be repeated: `--scopes a --scopes b` is `a,b`. */
  lists: readonly string[];
  /**
   * May be given bare or with a value: the next word is its value only when it matches the
   * pattern (so `--wait summarize` leaves `summarize` an argument); `--name=value` always is;
   * `--no-<name>` sets it to false.
   */
  optional: Readonly<Record<string, RegExp>>;
}

export const defaultGrammar: FlagGrammar = { switches: ["json", "help", "version"], lists: [], optional: {} };

/**
 * `--flag`, `--key=value`, `--key value` (when the next word is not a flag), `-h`, and the
 * kinds of `grammar`. Any value flag given twice, unless a list, is refused rather than
 * silently keeping one of the two.
 */
export function parseArgs(argv: string[], grammar: FlagGrammar = defaultGrammar): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  const lists: Record<string, string[]> = {};
  const isList = (name: string) => grammar.lists.includes(name);
  const set = (name: string, value: string | boolean) => {
    if (typeof value === "string" && isList(name)) (lists[name] ??= []).push(value);
    const previous = flags[name];
    if (typeof previous === "string" && typeof value === "string" && isList(name)) {
      flags[name] = `${previous},${value}`;
      return;
    }
    // `--json --json` is harmless; `--wait 5 --no-wait` or `--name a --name b` is a contradiction.
    if (previous !== undefined && previous !== value) throw new Error(`Option --${name} was given twice.`);
    flags[name] = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (word === "-h") {
      flags.help = true;
    } else if (word.startsWith("--")) {
      const [name, inline] = word.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (!name) throw new Error(`Malformed option "${word}".`);
      const next = argv[i + 1];
      const negated = name.startsWith("no-") ? name.slice(3) : undefined;
      if (negated !== undefined && negated in grammar.optional) {
        if (inline !== undefined) throw new Error(`Option --${name} takes no value.`);
        set(negated, false);
      } else if (inline !== undefined) {
        if (grammar.switches.includes(name)) throw new Error(`Option --${name} takes no value: write --${name} alone.`);
        set(name, inline);
      } else if (name in grammar.optional) set(name, next !== undefined && grammar.optional[name]!.test(next) ? argv[++i]! : true);
      else if (!grammar.switches.includes(name) && next !== undefined && !next.startsWith("-")) set(name, argv[++i]!);
      else set(name, true);
    } else if (word.startsWith("-") && word.length > 1) {
      throw new Error(`Unknown option "${word}".${/^-[a-z][a-z-]+$/i.test(word) ? ` Long options take two dashes: -${word}.` : ""}`);
    } else {
      positionals.push(word);
    }
  }
  return { positionals, flags, lists };
}

/** A comma-separated list (`a,b, c`), without empty items or repeats. */
export function splitList(value: string): string[] {
  return [
    ...new Set(
      value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
}

/** The value of `--name`, or undefined; `--name` written without a value is a usage error. */
export function stringFlag(args: ParsedArgs, name: string, placeholder = "value"): string | undefined {
  const value = args.flags[name];
  if (value === undefined) return undefined;
  if (typeof value === "boolean") throw usageError(`--${name} needs a value.`, `Write --${name} <${placeholder}>.`);
  return value;
}

export function requiredFlag(args: ParsedArgs, name: string, placeholder: string, hint: string): string {
  const value = stringFlag(args, name, placeholder)?.trim();
  if (!value) throw usageError(`--${name} <${placeholder}> is required.`, hint);
  return value;
}
