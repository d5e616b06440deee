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
