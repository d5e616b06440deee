import { usageError } from "./errors";

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean>;
  /** Every value of each repeatable flag, in order (flags joins them with commas, which a value may contain). */
  lists?: Record<string, string[]>;
}

/**
 * `--flag`, `--key=value`, `--key value` (when the next word is not a flag), `-h`.
 * A flag named in `listFlags` may be repeated (`--scopes a --scopes b` is `a,b`); any other
 * value flag given twice is refused rather than silently keeping one of the two.
 */
export function parseArgs(argv: string[], booleanFlags = ["json", "help", "version", "dev", "yes"], listFlags = ["scopes", "param"]): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  const lists: Record<string, string[]> = {};
  const set = (name: string, value: string | boolean) => {
    if (typeof value === "string" && listFlags.includes(name)) (lists[name] ??= []).push(value);
    const previous = flags[name];
    if (typeof previous === "string" && typeof value === "string") {
      if (!listFlags.includes(name)) throw new Error(`Option --${name} was given twice.`);
      flags[name] = `${previous},${value}`;
    } else {
      flags[name] = value;
    }
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
      if (inline !== undefined) set(name, inline);
      else if (!booleanFlags.includes(name) && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("-")) set(name, argv[++i]!);
      else set(name, true);
    } else if (word.startsWith("-") && word.length > 1) {
      throw new Error(`Unknown option "${word}".`);
    } else {
      positionals.push(word);
    }
  }
  return { positionals, flags, lists };
}

/** A comma-separated list (`a,b, c`), without empty items or repeats. */
export function splitList(value: string): string[] {
  return [...new Set(value.split(",").map((item) => item.trim()).filter(Boolean))];
}

/** The value of `--name`, or undefined; `--name` written without a value is a usage error. */
export function stringFlag(args: ParsedArgs, name: string, placeholder = "value"): string | undefined {
  const value = args.flags[name];
  if (value === undefined) return undefined;
  if (value === true) throw usageError(`--${name} needs a value.`, `Write --${name} <${placeholder}>.`);
  return String(value);
}

export function requiredFlag(args: ParsedArgs, name: string, placeholder: string, hint: string): string {
  const value = stringFlag(args, name, placeholder)?.trim();
  if (!value) throw usageError(`--${name} <${placeholder}> is required.`, hint);
  return value;
}
