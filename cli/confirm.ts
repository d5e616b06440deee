import { stringFlag, type ParsedArgs } from "./args";
import { usageError } from "./errors";
import type { Output } from "./output";

/**
 * The typed confirmation of a delete: `--confirm <name>` must repeat the name; in a
 * terminal without it, the name is asked for; in a script, it is refused (exit 2).
 */
export async function confirmName(args: ParsedArgs, out: Output, what: string, name: string): Promise<void> {
  const confirm =
    stringFlag(args, "confirm", "name") ?? (process.stdin.isTTY && !out.json ? await ask(`Type "${name}" to delete it: `) : undefined);
  const command = `caxton ${what} delete ${name} --confirm ${name}`;
  if (confirm === undefined) throw usageError(`Deleting ${what} "${name}" needs --confirm ${name}.`, `Run \`${command}\`.`);
  if (confirm !== name)
    throw usageError(
      `--confirm "${confirm}" does not match the ${what}'s name "${name}"; nothing was deleted.`,
      `Repeat the name exactly: --confirm ${name}.`,
    );
}

async function ask(question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await prompt.question(question)).trim();
  } finally {
    prompt.close();
  }
}

/**
 * A yes/no confirmation for a delete that needs no typed name: `--yes` skips it; in a
 * terminal the question is asked; in a script without --yes, it is refused (exit 2).
 */
export async function confirmYes(args: ParsedArgs, out: Output, question: string, command: string): Promise<void> {
  if (args.flags.yes === true) return;
  if (!process.stdin.isTTY || out.json)
    throw usageError(`${question} Nothing was changed: confirm with --yes.`, `Run \`${command} --yes\`.`);
  const answer = (await ask(`${question} [y/N] `)).toLowerCase();
  if (answer !== "y" && answer !== "yes")
    throw usageError("Not confirmed; nothing was changed.", `Answer "y", or run \`${command} --yes\`.`);
}
