import { stringFlag, type ParsedArgs } from "./args";
import { usageError } from "./errors";
import type { Output } from "./output";

/**
 * The typed confirmation of a delete: `--confirm <name>` must repeat the name; in a
 * terminal without it, the name is asked for; in a script, it is refused (exit 2).
 */
export async function confirmName(args: ParsedArgs, out: Output, what: string, name: string): Promise<void> {
  const confirm = stringFlag(args, "confirm", "name") ?? (process.stdin.isTTY && !out.json ? await ask(`Type "${name}" to delete it: `) : undefined);
  const command = `caxton ${what} delete ${name} --confirm ${name}`;
  if (confirm === undefined) throw usageError(`Deleting ${what} "${name}" needs --confirm ${name}.`, `Run \`${command}\`.`);
  if (confirm !== name) throw usageError(`--confirm "${confirm}" does not match the ${what}'s name "${name}"; nothing was deleted.`, `Repeat the name exactly: --confirm ${name}.`);
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
