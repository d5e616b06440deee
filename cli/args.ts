export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean>;
}

/** `--flag`, `--key=value`, `--key value` (when the next word is not a flag), `-h`. */
export function parseArgs(argv: string[], booleanFlags = ["json", "help", "version", "dev"]): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
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
      if (inline !== undefined) flags[name] = inline;
      else if (!booleanFlags.includes(name) && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("-")) flags[name] = argv[++i]!;
      else flags[name] = true;
    } else if (word.startsWith("-") && word.length > 1) {
      throw new Error(`Unknown option "${word}".`);
    } else {
      positionals.push(word);
    }
  }
  return { positionals, flags };
}
