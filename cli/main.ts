#!/usr/bin/env node
import { suggest } from "../server/lib/suggest";
import { version } from "../server/version";
import { commands, type Command } from "./commands";
import { parseArgs, type ParsedArgs } from "./args";
import { printError, type Output } from "./output";

/**
 * `caxton`: a small CLI. Commands live in cli/commands.ts; each takes parsed flags and an
 * Output that prints text or, with --json, one JSON document. Heavy modules are imported
 * inside the command that needs them so `caxton --help` starts fast.
 */
function helpText(): string {
  const width = Math.max(...commands.map((c) => c.usage.length));
  return [
    `caxton ${version}: agent orchestration platform`,
    "",
    "Usage: caxton <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    "",
    "Options (every command):",
    "  --json        print machine-readable JSON",
    "  --help, -h    show help",
    "  --version     print the version",
  ].join("\n");
}

function findCommand(words: string[]): { command?: Command; rest: string[] } {
  // Longest match first, so `db migrate` wins over a hypothetical `db`.
  for (const command of [...commands].sort((a, b) => b.name.length - a.name.length)) {
    const parts = command.name.split(" ");
    if (parts.every((part, i) => words[i] === part)) return { command, rest: words.slice(parts.length) };
  }
  return { rest: words };
}

async function main(argv: string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    printError({ json: argv.includes("--json") }, { code: "usage", message: (error as Error).message, hint: "Run `caxton --help`." });
    return 2;
  }
  const out: Output = { json: args.flags.json === true };
  if (args.flags.version === true && args.positionals.length === 0) {
    if (out.json) console.log(JSON.stringify({ version }));
    else console.log(version);
    return 0;
  }
  if (args.positionals.length === 0 || args.positionals[0] === "help") {
    if (out.json) console.log(JSON.stringify({ version, commands: commands.map(({ name, usage, summary }) => ({ name, usage, summary })) }));
    else console.log(helpText());
    return args.positionals.length === 0 && !args.flags.help ? 2 : 0;
  }
  const { command, rest } = findCommand(args.positionals);
  if (!command) {
    const typed = args.positionals.join(" ");
    const hints = suggest(typed, commands.map((c) => c.name));
    printError(out, {
      code: "unknown_command",
      message: `Unknown command "${typed}".`,
      hint: hints.length ? `Did you mean \`caxton ${hints[0]}\`? Run \`caxton --help\` for all commands.` : "Run `caxton --help` for all commands.",
    });
    return 2;
  }
  if (args.flags.help === true) {
    if (out.json) console.log(JSON.stringify({ name: command.name, usage: command.usage, summary: command.summary }));
    else console.log(`Usage: caxton ${command.usage}\n\n${command.summary}${command.details ? `\n\n${command.details}` : ""}`);
    return 0;
  }
  return command.run({ ...args, positionals: rest }, out);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    printError({ json: process.argv.includes("--json") }, { code: "internal", message: (error as Error).message });
    process.exitCode = 1;
  },
);
