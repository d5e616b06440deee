#!/usr/bin/env node
import { suggest } from "../server/lib/suggest";
import { version } from "../server/version";
import { parseArgs, type ParsedArgs } from "./args";
import { globalFlags, grammarOf, type Command } from "./command";
import { commands, groupSummaries } from "./commands";
import { CliFailure, exitCodes, usageError } from "./errors";
import { commandHelp, findCommand, groupHelp, groupJson, groups, helpText, unknownCommand } from "./help";
import { printError, type Output } from "./output";

/**
 * `caxton`: a small CLI. Commands live in cli/commands/ (the table is cli/commands.ts); each
 * takes parsed flags and an Output that prints text or, with --json, one JSON document.
 * Heavy modules are imported inside the command that needs them so `caxton --help` starts fast.
 */

/** Flags and arguments a command does not take are refused before it runs. */
function checkUsage(command: Command | undefined, args: ParsedArgs): void {
  const known = (command?.options ?? []).map((o) => o.name);
  const where = command ? `\`caxton ${command.name}\`` : "`caxton`";
  const helpCommand = command ? `caxton ${command.name} --help` : "caxton --help";
  for (const flag of Object.keys(args.flags)) {
    if (globalFlags.includes(flag) || known.includes(flag)) continue;
    const [closest] = suggest(flag, [...known, ...globalFlags]);
    throw usageError(
      `Unknown option --${flag} for ${where}.`,
      closest ? `Did you mean --${closest}? Run \`${helpCommand}\`.` : `Run \`${helpCommand}\` for its options.`,
    );
  }
  if (!command) return;
  const expected = command.arguments ?? [];
  if (args.positionals.length < expected.length) {
    throw usageError(`Missing <${expected[args.positionals.length]}>.`, `Usage: caxton ${command.usage}`);
  }
  const most = expected.length + (command.optionalArguments?.length ?? 0);
  if (!command.variadic && args.positionals.length > most) {
    throw usageError(`Unexpected argument "${args.positionals[most]}".`, `Usage: caxton ${command.usage}`);
  }
}

const print = (out: Output, json: unknown, text: string) => console.log(out.json ? JSON.stringify(json) : text);

async function main(argv: string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    // A first reading finds the command; its own options then say how to read the flags.
    args = parseArgs(argv, grammarOf(commands));
    const { command } = findCommand(args.positionals);
    if (command) args = parseArgs(argv, grammarOf([command]));
  } catch (error) {
    printError({ json: argv.includes("--json") }, { code: "usage", message: (error as Error).message, hint: "Run `caxton --help`." });
    return exitCodes.usage;
  }
  const out: Output = { json: args.flags.json === true };
  try {
    if (args.flags.version === true && args.positionals.length === 0) {
      print(out, { version }, version);
      return exitCodes.ok;
    }
    // `caxton help agent push` is `caxton agent push --help`.
    const helpWord = args.positionals[0] === "help";
    const words = helpWord ? args.positionals.slice(1) : args.positionals;
    const helpAsked = helpWord || args.flags.help === true;
    const { command, rest } = findCommand(words);
    if (!command) checkUsage(undefined, args);
    if (words.length === 0) {
      const groupList = [...groups().keys()].map((name) => ({ name, summary: groupSummaries[name] ?? null }));
      print(
        out,
        { version, commands: commands.map(({ name, usage, summary }) => ({ name, usage, summary })), groups: groupList },
        helpText(),
      );
      return helpAsked ? exitCodes.ok : exitCodes.usage;
    }
    if (!command) {
      // `caxton agent`, `caxton agent --help`, `caxton agent help`: the group's commands.
      const groupAsked = groups().has(words[0]!) && (words.length === 1 || (words.length === 2 && words[1] === "help"));
      if (!groupAsked) throw unknownCommand(words);
      print(out, groupJson(words[0]!), groupHelp(words[0]!));
      return exitCodes.ok;
    }
    if (helpAsked) {
      print(
        out,
        {
          name: command.name,
          usage: command.usage,
          summary: command.summary,
          details: command.details ?? null,
          options: (command.options ?? []).map(({ optionalValue, ...o }) => ({ ...o, ...(optionalValue ? { optionalValue: true } : {}) })),
        },
        commandHelp(command),
      );
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
