import { version } from "../server/version";
import { resolveCredentials, type Credentials } from "./credentials";
import { CliFailure, exitCodes, type ExitCode } from "./errors";

/**
 * A small client of /api/v1: sends the token, and turns every failure into a CliFailure
 * that carries the API's own message and hint and an exit code scripts can act on.
 */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return exitCodes.auth;
  if (status === 404) return exitCodes.notFound;
  if (status === 409 || status === 429) return exitCodes.conflict;
  return exitCodes.error;
}

interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
  hint?: string;
}

const isErrorBody = (value: unknown): value is { error: ApiErrorBody } => {
  const error = (value as { error?: Partial<ApiErrorBody> } | null)?.error;
  return typeof error?.code === "string" && typeof error.message === "string";
};

/** Why fetch failed, in words: undici hides the system error (ECONNREFUSED...) in `cause`. */
function networkReason(error: unknown): string {
  if ((error as Error).name === "TimeoutError") return "no answer in time";
  const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (error as Error).message;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class ApiClient {
  constructor(
    readonly credentials: Credentials,
    private readonly timeoutMs = 15_000,
  ) {}

  request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    return this.send<T>(method, path, body === undefined ? undefined : { data: JSON.stringify(body), contentType: "application/json" });
  }

  /** POSTs a document as it is (an agent's TOML bytes), so the server sees exactly the file. */
  postDocument<T>(path: string, bytes: Uint8Array, contentType = "application/toml"): Promise<T> {
    return this.send<T>("POST", path, { data: bytes, contentType });
  }

  /** POSTs files as multipart/form-data (fetch writes the boundary into the Content-Type). */
  postForm<T>(path: string, form: FormData): Promise<T> {
    return this.send<T>("POST", path, { data: form });
  }

  private async send<T>(method: Method, path: string, body?: { data: string | Uint8Array | FormData; contentType?: string }): Promise<T> {
    const url = `${this.credentials.url}/api/v1${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.credentials.token}`,
          accept: "application/json",
          "user-agent": `caxton-cli/${version}`,
          ...(body?.contentType === undefined ? {} : { "content-type": body.contentType }),
        },
        // A Buffer's type allows a SharedArrayBuffer behind it, which BodyInit's does not; ours never is.
        body: body?.data as string | Uint8Array<ArrayBuffer> | FormData | undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new CliFailure(exitCodes.unreachable, {
        code: "unreachable",
        message: `Cannot reach Caxton at ${this.credentials.url} (${networkReason(error)}).`,
        hint: "Check that the server is running and the address is right (caxton login --url, or CAXTON_URL).",
      });
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      if (isErrorBody(parsed)) {
        const { code, message, details, hint } = parsed.error;
        throw new CliFailure(exitCodeForStatus(response.status), {
          code,
          message,
          ...(details === undefined ? {} : { details }),
          ...(hint ? { hint } : {}),
        });
      }
      throw new CliFailure(exitCodeForStatus(response.status), {
        code: `http_${response.status}`,
        message: `${method} ${url} answered ${response.status} ${response.statusText}.`,
        hint: `Check that ${this.credentials.url} is the address of a Caxton server.`,
      });
    }
    if (parsed === undefined) {
      throw new CliFailure(exitCodes.error, {
        code: "bad_response",
        message: `${method} ${url} did not answer with JSON.`,
        hint: `Check that ${this.credentials.url} is the address of a Caxton server.`,
      });
    }
    return parsed as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  /** Every item of a paginated list, following nextCursor. */
  async listAll<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const separator = path.includes("?") ? "&" : "?";
      const page: Page<T> = await this.get<Page<T>>(`${path}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      items.push(...page.items);
      // A server that hands back a cursor twice would otherwise keep us here forever.
      cursor = page.nextCursor && !seen.has(page.nextCursor) ? page.nextCursor : null;
      if (cursor) seen.add(cursor);
    } while (cursor);
    return items;
  }
}

/** What GET /api/v1/me answers. */
export interface Me {
  user: { id: string; name: string | null; email: string | null };
  workspace: { id: string; slug: string };
  role: string;
  scopes: string[];
  permissions: string[];
}

/** A client for the server and token this invocation uses (environment, then `caxton login`). */
export function connect(env: Record<string, string | undefined> = process.env): ApiClient {
  return new ApiClient(resolveCredentials(env));
}
