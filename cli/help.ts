import { suggest } from "../server/lib/suggest";
import { version } from "../server/version";
import { optionLabel, type Command } from "./command";
import { commands, groupSummaries } from "./commands";
import { CliFailure, exitCodes } from "./errors";

/**
 * What `caxton --help`, `caxton <group>` and `caxton <command> --help` print, and the
 * "did you mean" for a command that does not exist. A group is the first word of commands
 * named with two (`agent push`), so a new group gets its help without anything here.
 */

export function groups(): Map<string, Command[]> {
  const byGroup = new Map<string, Command[]>();
  for (const command of commands) {
    const [first, ...rest] = command.name.split(" ");
    if (rest.length) byGroup.set(first!, [...(byGroup.get(first!) ?? []), command]);
  }
  return byGroup;
}

/** Command usages in a column, summaries beside them; a long usage puts its summary on the next line (80 columns). */
function commandList(list: readonly Command[]): string[] {
  const width = Math.min(28, Math.max(...list.map((c) => c.usage.length)));
  return list.map((c) =>
    c.usage.length <= width ? `  ${c.usage.padEnd(width)}  ${c.summary}` : `  ${c.usage}\n  ${" ".repeat(width)}  ${c.summary}`,
  );
}

export function helpText(): string {
  return [
    `caxton ${version}: agent orchestration platform`,
    "",
    "Usage: caxton <command> [options]",
    "",
    "Commands:",
    ...commandList(commands),
    "",
    "Options (every command):",
    "  --json        print machine-readable JSON",
    "  --help, -h    show help (also `caxton help <command>`)",
    "  --version     print the version",
    "",
    `Groups (\`caxton <group>\` lists its commands): ${[...groups().keys()].join(", ")}.`,
    "Environment: CAXTON_URL and CAXTON_TOKEN override the saved login (caxton login).",
    "Exit codes: 0 ok, 1 error, 2 usage, 3 authentication or permission, 4 not found,",
    "            5 conflict, quota or rate limit, 6 cannot reach the server.",
  ].join("\n");
}

export function groupHelp(group: string): string {
  const list = groups().get(group) ?? [];
  return [
    `Usage: caxton ${group} <command> [options]`,
    "",
    groupSummaries[group] ?? `The ${group} commands.`,
    "",
    "Commands:",
    ...commandList(list),
    "",
    `Run \`caxton ${group} <command> --help\` for a command's arguments and options.`,
  ].join("\n");
}

export const groupJson = (group: string) => ({
  group,
  summary: groupSummaries[group] ?? null,
  commands: (groups().get(group) ?? []).map(({ name, usage, summary }) => ({ name, usage, summary })),
});

export function commandHelp(command: Command): string {
  const rows = (command.options ?? []).flatMap((o) => [
    [optionLabel(o), o.description],
    ...(o.optionalValue ? [[`--no-${o.name}`, `turn --${o.name} off`]] : []),
  ]);
  const width = Math.max(0, ...rows.map(([label]) => label!.length));
  return [
    `Usage: caxton ${command.usage}`,
    "",
    command.summary,
    ...(command.details ? ["", command.details] : []),
    ...(rows.length ? ["", "Options:", ...rows.map(([label, description]) => `  ${label!.padEnd(width)}  ${description}`)] : []),
    "",
    "Also: --json for machine-readable output.",
  ].join("\n");
}

export function findCommand(words: readonly string[]): { command?: Command; rest: string[] } {
  // Longest match first, so `db migrate` wins over a hypothetical `db`.
  for (const command of [...commands].sort((a, b) => b.name.length - a.name.length)) {
    const parts = command.name.split(" ");
    if (parts.every((part, i) => words[i] === part)) return { command, rest: words.slice(parts.length) };
  }
  return { rest: [...words] };
}

/** The closest existing command to what was typed, correcting the group word and the subcommand word each. */
function closest(words: readonly string[]): string | undefined {
  const byGroup = groups();
  const topWords = [...new Set(commands.map((c) => c.name.split(" ")[0]!))];
  const [first, second] = words as [string, string | undefined];
  const top = topWords.includes(first) ? first : suggest(first, topWords)[0];
  if (top === undefined)
    return suggest(
      words.join(" "),
      commands.map((c) => c.name),
    )[0];
  const subs = byGroup.get(top)?.map((c) => c.name.slice(top.length + 1));
  if (!subs) return top;
  if (second === undefined) return top;
  const sub = subs.includes(second) ? second : suggest(second, subs)[0];
  return sub === undefined ? (top === first ? undefined : top) : `${top} ${sub}`;
}

export function unknownCommand(words: readonly string[]): CliFailure {
  const typed = words.join(" ");
  const group = groups().get(words[0]!);
  const guess = closest(words);
  const parts: string[] = [];
  if (guess) parts.push(`Did you mean \`caxton ${guess}\`?`);
  if (group) parts.push(`\`caxton ${words[0]}\` has: ${group.map((c) => c.name.slice(words[0]!.length + 1)).join(", ")}.`);
  parts.push(group ? `Run \`caxton ${words[0]} --help\`.` : "Run `caxton --help` for all commands.");
  return new CliFailure(exitCodes.usage, { code: "unknown_command", message: `Unknown command "${typed}".`, hint: parts.join(" ") });
}
