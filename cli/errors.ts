import type { CliError } from "./output";

/**
 * What the CLI's exit status means, so scripts can tell a typo from an expired token from
 * a server that is down. docs/cli.md documents the same table.
 */
export const exitCodes = {
  ok: 0,
  error: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  conflict: 5,
  unreachable: 6,
} as const;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** A failure a command reports to its user: main prints it and exits with `exitCode`. */
export class CliFailure extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly error: CliError,
  ) {
    super(error.message);
    this.name = "CliFailure";
  }
}

export const usageError = (message: string, hint?: string) =>
  new CliFailure(exitCodes.usage, { code: "usage", message, ...(hint ? { hint } : {}) });
