export interface Output {
  json: boolean;
}

/** The one error shape (API, CLI, UI): what went wrong and what to do next. */
export interface CliError {
  code: string;
  message: string;
  details?: unknown;
  hint?: string;
}

export function printError(out: Output, error: CliError): void {
  if (out.json) process.stdout.write(`${JSON.stringify({ error })}\n`);
  else process.stderr.write(`error: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ""}\n`);
}

export function printResult(out: Output, value: unknown, text: string): void {
  process.stdout.write(out.json ? `${JSON.stringify(value)}\n` : `${text}\n`);
}

/** Explanations around a secret go to stderr, so `TOKEN=$(caxton ...)` captures only the secret. */
export function printNote(text: string): void {
  process.stderr.write(`${text}\n`);
}

/**
 * A message with the detail lines under it, each thing said once: when the only detail
 * already says the message (a server's one-problem summary is that problem), the detail alone.
 */
export function withDetails(message: string, lines: readonly string[]): string {
  if (lines.length === 1 && lines[0]!.includes(message)) return lines[0]!;
  return [message, ...lines.filter((line) => line !== message)].join("\n");
}
