import { stringFlag, type ParsedArgs } from "../args";
import { connect } from "../api-client";
import type { Command } from "../command";
import { confirmYes } from "../confirm";
import { CliFailure, exitCodes, usageError } from "../errors";
import type { Output } from "../output";
import { printResult } from "../output";
import { shortDate, table } from "../table";

interface SecretView {
  name: string;
  createdAt: string;
  updatedAt: string;
  setBy: string | null;
}

const NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;
const secretPath = (name: string) => `/secrets/${encodeURIComponent(name)}`;

function checkName(name: string): string {
  if (!NAME_PATTERN.test(name) || name.length > 100) {
    throw usageError(
      `"${name}" is not a valid secret name.`,
      "Secret names use uppercase letters, digits and underscores, and start with a letter (e.g. OPENAI_API_KEY).",
    );
  }
  return name;
}

/** A 404 from the API, explained in terms of the CLI. */
const explainNotFound = (name: string) => (error: unknown) => {
  if (error instanceof CliFailure && error.exitCode === exitCodes.notFound) {
    throw new CliFailure(exitCodes.notFound, {
      ...error.error,
      message: `This workspace has no secret "${name}".`,
      hint: "`caxton secret list` shows its secrets' names.",
    });
  }
  throw error;
};

/** The value from --value, else stdin: typed without echo in a terminal, piped as it is otherwise. */
async function readValue(args: ParsedArgs, out: Output, name: string): Promise<string> {
  const flag = stringFlag(args, "value", "value");
  if (flag !== undefined) return flag;
  if (process.stdin.isTTY && !out.json) return readHidden(`Value for ${name} (not shown): `);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // `echo $KEY | caxton secret set` adds a newline the key never had.
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

async function readHidden(question: string): Promise<string> {
  const { createInterface } = await import("node:readline");
  const { Writable } = await import("node:stream");
  let muted = false;
  // Echo the prompt, then swallow what readline would echo of the typed value.
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const prompt = createInterface({ input: process.stdin, output: sink, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      prompt.question(question, (answer) => resolve(answer));
      muted = true;
    });
  } finally {
    prompt.close();
    process.stderr.write("\n");
  }
}

export const secretCommands: Command[] = [
  {
    name: "secret list",
    usage: "secret list",
    summary: "List the workspace's secrets: names, when and by whom they were set (never values).",
    async run(_args, out) {
      const { items } = await connect().get<{ items: SecretView[] }>("/secrets");
      printResult(
        out,
        { items },
        items.length
          ? table(
              ["name", "updated", "set by", "created"],
              items.map((s) => [s.name, shortDate(s.updatedAt), s.setBy ?? "-", shortDate(s.createdAt)]),
            )
          : "No secrets. Set one with `caxton secret set NAME` and name it in an agent's `[llm] api_key_secret`.",
      );
      return 0;
    },
  },
  {
    name: "secret set",
    usage: "secret set <NAME> [--value <value>]",
    summary: "Create or replace a secret; without --value it is read from stdin (hidden in a terminal).",
    details:
      "Prefer stdin to --value: a flag stays in your shell history and is visible to other users in ps.\n" +
      '  printf %s "$OPENAI_API_KEY" | caxton secret set OPENAI_API_KEY\n' +
      'The value is never shown again; agents read it through `[llm] api_key_secret = "NAME"`.',
    options: [{ name: "value", value: "value", description: "the value (else read from stdin)" }],
    arguments: ["NAME"],
    async run(args, out) {
      const name = checkName(args.positionals[0]!);
      const value = await readValue(args, out, name);
      if (!value)
        throw usageError(
          `No value for ${name}: it would be empty.`,
          `Pass --value <value>, or pipe it: printf %s "$VALUE" | caxton secret set ${name}`,
        );
      await connect().request("PUT", secretPath(name), { value });
      printResult(out, { name }, `Set secret ${name}. Its value is not shown again.`);
      return 0;
    },
  },
  {
    name: "secret delete",
    usage: "secret delete <NAME> [--yes]",
    summary: "Delete a secret; agents that name it then answer FAILURE until it is set again.",
    options: [{ name: "yes", description: "do not ask for confirmation (needed in scripts)" }],
    arguments: ["NAME"],
    async run(args, out) {
      const name = checkName(args.positionals[0]!);
      await confirmYes(
        args,
        out,
        `Delete secret ${name}? Agents that use it will fail until it is set again.`,
        `caxton secret delete ${name}`,
      );
      await connect().request("DELETE", secretPath(name)).catch(explainNotFound(name));
      printResult(out, { name, deleted: true }, `Deleted secret ${name}.`);
      return 0;
    },
  },
];
