import { guardedFetch, policyRefusal } from "../../network/guarded-fetch";
import { shapeRedactor } from "../../secrets/redact";
import type { RetryPolicy } from "./types";

/**
 * POST with retries for the LLM vendors: 429, 5xx and network errors are tried again (with
 * exponential back-off, or the server's Retry-After up to a bound); anything else, or the
 * last failed attempt, ends in a ProviderError carrying the vendor's own reason.
 */

export const defaultRetry: RetryPolicy = { attempts: 3, baseDelayMs: 500, maxRetryAfterMs: 10_000 };

/**
 * A vendor's reason is the vendor's text: some echo the key they were sent (`Incorrect API key
 * provided: sk-...`). It is scrubbed of credential shapes here, and of the key the call used
 * by the provider that made it (providers/index.ts); the stored reply is scrubbed again of
 * every workspace secret.
 */
export class ProviderError extends Error {
  readonly reason: string;
  constructor(
    readonly provider: string,
    readonly status: number | null,
    reason: string,
    readonly attempts: number,
  ) {
    const scrubbed = shapeRedactor.text(reason);
    super(
      `${provider} ${status === null ? "could not be reached" : `answered ${status}`}: ${scrubbed}${attempts > 1 ? ` (after ${attempts} attempts)` : ""}`,
    );
    this.name = "ProviderError";
    this.reason = scrubbed;
  }

  /** The same error with its reason scrubbed by `redact` too. */
  scrubbed(redact: (text: string) => string): ProviderError {
    const error = new ProviderError(this.provider, this.status, redact(this.reason), this.attempts);
    error.stack = redact(this.stack ?? "");
    return error;
  }
}

/** The vendor's message from an error body: OpenAI `{ error: { message } }`, Anthropic `{ error: { type, message } }`. */
export function reasonOf(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; type?: unknown } | string; message?: unknown };
    if (typeof body.error === "string") return body.error;
    if (body.error && typeof body.error.message === "string")
      return typeof body.error.type === "string" ? `${body.error.message} (${body.error.type})` : body.error.message;
    if (typeof body.message === "string") return body.message;
  } catch {
    // not JSON: the text itself is the best reason there is
  }
  return text.trim().slice(0, 500) || "no error message in the response";
}

/** Retry-After in seconds or as an HTTP date, in ms; null when absent or unreadable. */
export function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
  });

const retryable = (status: number) => status === 429 || status >= 500;

export async function postJson(
  provider: string,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal | undefined,
  policy: Partial<RetryPolicy> = {},
): Promise<Response> {
  const { attempts, baseDelayMs, maxRetryAfterMs } = { ...defaultRetry, ...policy };
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      // base_url is the tenant's choice: every connection (and redirect) is under the network policy.
      response = await guardedFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      const refused = policyRefusal(error);
      // Trying again changes nothing: the operator's policy says no.
      if (refused)
        throw new ProviderError(
          provider,
          null,
          `${refused.message}. The agent's [llm] base_url is ${url.replace(/\/(chat\/completions|v1\/messages)$/, "")}`,
          attempt,
        );
      if (attempt >= attempts)
        throw new ProviderError(
          provider,
          null,
          `${(error as Error).message}${(error as { cause?: { code?: string } }).cause?.code ? ` (${(error as { cause: { code: string } }).cause.code})` : ""} at ${url}`,
          attempt,
        );
      await sleep(baseDelayMs * 2 ** (attempt - 1), signal);
      continue;
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => "");
    if (!retryable(response.status) || attempt >= attempts) throw new ProviderError(provider, response.status, reasonOf(text), attempt);
    const hinted = retryAfterMs(response.headers.get("retry-after"));
    await sleep(hinted === null ? baseDelayMs * 2 ** (attempt - 1) : Math.min(hinted, maxRetryAfterMs), signal);
  }
}

/** The `data:` payloads of a server-sent event stream, one per event. */
export async function* sseData(response: Response): AsyncGenerator<string> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      if (line === "") {
        if (data.length) yield data.join("\n");
        data = [];
      } else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
  }
  if (data.length) yield data.join("\n");
}

/** Tool arguments arrive as JSON text; an unreadable one is kept, so the model sees its mistake. */
export function parseArguments(text: string | undefined): Record<string, unknown> {
  if (!text?.trim()) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { _unparsed: text };
  }
}
