#!/usr/bin/env node
import { suggest } from "../server/lib/suggest";
import { version } from "../server/version";
import { parseArgs, type ParsedArgs } from "./args";
import { globalFlags, type Command } from "./command";
import { commands } from "./commands";
import { CliFailure, exitCodes, usageError } from "./errors";
import { printError, type Output } from "./output";

/**
 * `caxton`: a small CLI. Commands live in cli/commands/ (the table is cli/commands.ts); each
 * takes parsed flags and an Output that prints text or, with --json, one JSON document.
 * Heavy modules are imported inside the command that needs them so `caxton --help` starts fast.
 */
function helpText(): string {
  // Long usages get their summary on the next line, so the list fits an 80-column terminal.
  const width = Math.min(28, Math.max(...commands.map((c) => c.usage.length)));
  const line = (c: Command) => (c.usage.length <= width ? `  ${c.usage.padEnd(width)}  ${c.summary}` : `  ${c.usage}\n  ${" ".repeat(width)}  ${c.summary}`);
  return [
    `caxton ${version}: agent orchestration platform`,
    "",
    "Usage: caxton <command> [options]",
    "",
    "Commands:",
    ...commands.map(line),
    "",
    "Options (every command):",
    "  --json        print machine-readable JSON",
    "  --help, -h    show help",
    "  --version     print the version",
    "",
    "Environment: CAXTON_URL and CAXTON_TOKEN override the saved login (caxton login).",
    "Exit codes: 0 ok, 1 error, 2 usage, 3 authentication or permission, 4 not found,",
    "            5 conflict, quota or rate limit, 6 cannot reach the server.",
  ].join("\n");
}

function commandHelp(command: Command): string {
  const options = command.options ?? [];
  const labels = options.map((o) => `--${o.name}${o.value ? ` <${o.value}>` : ""}`);
  const width = Math.max(0, ...labels.map((l) => l.length));
  return [
    `Usage: caxton ${command.usage}`,
    "",
    command.summary,
    ...(command.details ? ["", command.details] : []),
    ...(options.length ? ["", "Options:", ...options.map((o, i) => `  ${labels[i]!.padEnd(width)}  ${o.description}`)] : []),
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

function unknownCommand(words: string[]): CliFailure {
  const typed = words.join(" ");
  const group = commands.filter((c) => c.name.startsWith(`${words[0]} `)).map((c) => c.name.slice(words[0]!.length + 1));
  let hint: string;
  if (words.length === 1 && group.length) {
    hint = `\`caxton ${typed}\` needs a subcommand: ${group.join(", ")}.`;
  } else {
    const hints = suggest(typed, commands.map((c) => c.name));
    hint = hints.length ? `Did you mean \`caxton ${hints[0]}\`? Run \`caxton --help\` for all commands.` : "Run `caxton --help` for all commands.";
  }
  return new CliFailure(exitCodes.usage, { code: "unknown_command", message: `Unknown command "${typed}".`, hint });
}

/** Flags and arguments a command does not take are refused before it runs. */
function checkUsage(command: Command, args: ParsedArgs): void {
  const known = (command.options ?? []).map((o) => o.name);
  for (const flag of Object.keys(args.flags)) {
    if (globalFlags.includes(flag) || known.includes(flag)) continue;
    const [closest] = suggest(flag, known);
    throw usageError(
      `Unknown option --${flag} for \`caxton ${command.name}\`.`,
      closest ? `Did you mean --${closest}? Run \`caxton ${command.name} --help\`.` : `Run \`caxton ${command.name} --help\` for its options.`,
    );
  }
  const expected = command.arguments ?? [];
  if (args.positionals.length < expected.length) {
    throw usageError(`Missing <${expected[args.positionals.length]}>.`, `Usage: caxton ${command.usage}`);
  }
  const most = expected.length + (command.optionalArguments?.length ?? 0);
  if (!command.variadic && args.positionals.length > most) {
    throw usageError(`Unexpected argument "${args.positionals[most]}".`, `Usage: caxton ${command.usage}`);
  }
}

async function main(argv: string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    printError({ json: argv.includes("--json") }, { code: "usage", message: (error as Error).message, hint: "Run `caxton --help`." });
    return exitCodes.usage;
  }
  const out: Output = { json: args.flags.json === true };
  if (args.flags.version === true && args.positionals.length === 0) {
    if (out.json) console.log(JSON.stringify({ version }));
    else console.log(version);
    return exitCodes.ok;
  }
  if (args.positionals.length === 0 || args.positionals[0] === "help") {
    if (out.json) console.log(JSON.stringify({ version, commands: commands.map(({ name, usage, summary }) => ({ name, usage, summary })) }));
    else console.log(helpText());
    return args.positionals.length === 0 && !args.flags.help ? exitCodes.usage : exitCodes.ok;
  }
  try {
    const { command, rest } = findCommand(args.positionals);
    if (!command) throw unknownCommand(args.positionals);
    if (args.flags.help === true) {
      if (out.json) console.log(JSON.stringify({ name: command.name, usage: command.usage, summary: command.summary, options: command.options ?? [] }));
      else console.log(commandHelp(command));
      return exitCodes.ok;
    }
    const commandArgs = { ...args, positionals: rest };
    checkUsage(command, commandArgs);
    return await command.run(commandArgs, out);
  } catch (error) {
    if (!(error instanceof CliFailure)) throw error;
    printError(out, error.error);
    return error.exitCode;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    printError({ json: process.argv.includes("--json") }, { code: "internal", message: (error as Error).message });
    process.exitCode = exitCodes.error;
  },
);
