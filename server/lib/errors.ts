import { randomUUID } from "node:crypto";
import { shapeRedactor } from "../secrets/redact";

/**
 * The one error every service throws for a user's mistake or a refusal. REST turns it into
 * `{ error: { code, message, details?, hint? } }` with `status`; tRPC into its own error
 * with the same code and message; the CLI prints message and hint.
 */
export type ErrorCode =
  | "bad_request"
  | "validation_failed"
  | "invalid_text"
  | "too_deep"
  | "invalid_cursor"
  | "invalid_agent"
  | "invalid_tool"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "quota_exceeded"
  | "rate_limited"
  | "payload_too_large"
  | "unsupported_media_type"
  | "method_not_allowed"
  | "unavailable"
  | "internal";

const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  invalid_text: 400,
  too_deep: 400,
  invalid_cursor: 400,
  invalid_agent: 422,
  invalid_tool: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  quota_exceeded: 409,
  rate_limited: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
  method_not_allowed: 405,
  unavailable: 503,
  internal: 500,
};

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
  hint?: string;
}

/**
 * Message, hint and details are scrubbed of anything shaped like a credential when the error
 * is made, so no answer built from it (REST, tRPC, the CLI, a log line) can carry one, even
 * when it quotes what a caller sent.
 */
export class AppError extends Error {
  readonly status: number;
  readonly extra: { hint?: string; details?: unknown; retryAfterS?: number };
  constructor(
    readonly code: ErrorCode,
    message: string,
    extra: { hint?: string; details?: unknown; retryAfterS?: number } = {},
  ) {
    super(shapeRedactor.text(message));
    this.name = "AppError";
    this.status = statusOf[code];
    this.extra = shapeRedactor.json(extra);
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.extra.details !== undefined ? { details: this.extra.details } : {}),
      ...(this.extra.hint ? { hint: this.extra.hint } : {}),
    };
  }
}

/**
 * What a caller sees of a failure that is not theirs (a bug, a broken dependency): nothing
 * of its text, which can name queries, paths or rows; only an id to report. The caller logs
 * the cause under `requestId`.
 */
export function internalError(): { error: AppError; requestId: string } {
  const requestId = randomUUID();
  return {
    requestId,
    error: new AppError("internal", "Something went wrong on our side.", {
      hint: `Try again; if it persists, report request ${requestId}.`,
    }),
  };
}

/** The one error answer of every HTTP surface, as parts (for node's http, which has no Response). */
export function errorReply(error: AppError, headers: Record<string, string> = {}) {
  return {
    status: error.status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
    body: JSON.stringify({ error: error.toBody() }),
  };
}

/** The one error answer of every HTTP surface: `{ error: { code, message, details?, hint? } }` with the code's status. */
export function errorResponse(error: AppError, headers: Record<string, string> = {}): Response {
  const reply = errorReply(error, headers);
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

/** A resource that does not exist *for this caller*: other workspaces' rows look the same. */
export const notFound = (what: string) => new AppError("not_found", `${what} not found.`);
