import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { redactForOperator } from "../secrets/redact";

export type { Logger };

export interface LoggerOptions {
  level?: string;
  format?: "json" | "pretty";
  /** Where JSON lines go; stdout by default. */
  destination?: pino.DestinationStream;
}

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const secretPaths = [
  "password",
  "token",
  "secret",
  "apiKey",
  "api_key",
  "x-api-key",
  "authorization",
  "cookie",
  "*.password",
  "*.token",
  "*.secret",
  "*.apiKey",
  "*.api_key",
  '*["x-api-key"]',
  "*.authorization",
  "*.cookie",
  "headers.authorization",
  "headers.cookie",
  "req.headers.authorization",
  "req.headers.cookie",
];

/** Hides the password of a connection URL (postgres://user:pw@host -> postgres://user:***@host). */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "[unparseable url]";
  }
}

/**
 * One logger per process (web, worker, supervisor), named by `name`. JSON lines by
 * default; `pretty` writes through pino-pretty in-process (no transport thread, so it
 * works the same inside bundles).
 */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? "info";
  const format = options.format ?? (process.env.LOG_FORMAT === "pretty" ? "pretty" : "json");
  // Keys are hidden by path; every line as a whole is also scrubbed of credential shapes and of
  // each secret value this process has opened, so a secret inside a message or a stack is gone too.
  const base = {
    level,
    name,
    base: { pid: process.pid },
    redact: { paths: secretPaths, censor: "[redacted]" },
    hooks: { streamWrite: redactForOperator },
  };
  if (format === "pretty") {
    return pino(base, pretty({ colorize: process.stdout.isTTY, ignore: "pid,hostname", sync: true }));
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}

/** Time since `start` (from performance.now()) in whole milliseconds, for lifecycle logs. */
export const since = (start: number) => Math.round(performance.now() - start);
