// The `caxton_http` host function (extism:host/user) that wasm tools use instead of Extism's
// own http_request. Extism's version throws on a denied host, and any host-side throw wedges
// the plugin for good (seen on @extism/extism 2.0.0-rc13); this one never throws: every failure is a JSON answer the
// plugin can handle, and a denial is also recorded on the call so the call still ends with a
// `host_denied` diagnostic.
//   input:  offset of {"url","method","headers","body"}
//   output: offset of {"status","headers","body","error"}  (status 0 when there is no response)
import type { CallContext } from "@extism/extism";
import { guardedFetch, policyRefusal } from "../../network/guarded-fetch";

/** Per-call state handed to Extism as the call's host context. */
export interface HttpCallState {
  allowedHosts: string[];
  /** performance.now() after which the call is over anyway. */
  deadline: number;
  maxResponseBytes: number;
  denied: string[];
}

interface HttpRequest {
  url?: unknown;
  method?: unknown;
  headers?: unknown;
  body?: unknown;
}

/**
 * `example.com` allows that host on any port; `127.0.0.1:8080` only that port; `*.example.com`
 * (the manifest accepts it) any name under example.com, not example.com itself.
 */
export function hostAllowed(url: URL, allowedHosts: string[]): boolean {
  return allowedHosts.some((entry) => {
    const allowed = entry.toLowerCase();
    if (!allowed.startsWith("*.")) return allowed === url.host || allowed === url.hostname;
    const [suffix, port] = allowed.slice(1).split(":");
    return url.hostname.endsWith(suffix!) && url.hostname.length > suffix!.length && (port === undefined || port === url.port);
  });
}

async function readCapped(response: Response, maxBytes: number): Promise<string | null> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function perform(request: HttpRequest, state: HttpCallState): Promise<Record<string, unknown>> {
  let url: URL;
  try {
    url = new URL(String(request.url));
  } catch {
    return { status: 0, error: `bad_request: ${JSON.stringify(String(request.url)).slice(0, 200)} is not an absolute URL` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { status: 0, error: `bad_request: only http and https URLs, not ${url.protocol}` };
  }
  if (!hostAllowed(url, state.allowedHosts)) {
    state.denied.push(url.host);
    return { status: 0, error: `host_denied: ${url.host} is not in allowedHosts ${JSON.stringify(state.allowedHosts)}` };
  }
  const remaining = state.deadline - performance.now();
  if (remaining <= 0) return { status: 0, error: "timeout: the call's time is up" };
  const headers = request.headers && typeof request.headers === "object" ? (request.headers as Record<string, string>) : {};
  const method = typeof request.method === "string" ? request.method.toUpperCase() : "GET";
  const body = typeof request.body === "string" && method !== "GET" && method !== "HEAD" ? request.body : undefined;
  try {
    // redirect: "manual", or a redirect could take the request to a host outside allowedHosts.
    // guardedFetch: allowedHosts is the tenant's choice; the operator's network policy decides
    // on the address each connection really goes to.
    const response = await guardedFetch(url, {
      method,
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(Math.ceil(remaining)),
    });
    const text = await readCapped(response, state.maxResponseBytes);
    const responseHeaders = Object.fromEntries(response.headers);
    if (text === null)
      return { status: response.status, headers: responseHeaders, error: `response_too_large: over ${state.maxResponseBytes} bytes` };
    return { status: response.status, headers: responseHeaders, body: text };
  } catch (error) {
    const name = (error as { name?: string } | null)?.name;
    if (name === "TimeoutError" || name === "AbortError") return { status: 0, error: "timeout: no response before the call's deadline" };
    const refused = policyRefusal(error);
    if (refused) return { status: 0, error: `network_policy: ${refused.message}` };
    const cause = (error as { cause?: { code?: string } } | null)?.cause?.code;
    return { status: 0, error: `fetch_failed: ${cause ?? String((error as { message?: unknown } | null)?.message ?? error)}` };
  }
}

export async function caxtonHttp(ctx: CallContext, offset: bigint): Promise<bigint> {
  let answer: Record<string, unknown>;
  try {
    const state = ctx.hostContext<HttpCallState | undefined>();
    const text = ctx.read(offset)?.text();
    if (!state) answer = { status: 0, error: "unavailable: no call context" };
    else if (text === undefined) answer = { status: 0, error: "bad_request: no request at that offset" };
    else {
      let request: HttpRequest;
      try {
        request = JSON.parse(text) as HttpRequest;
      } catch {
        request = { url: undefined };
      }
      answer =
        request && typeof request === "object" ? await perform(request, state) : { status: 0, error: "bad_request: not a JSON object" };
    }
  } catch (error) {
    answer = { status: 0, error: `internal: ${String((error as { message?: unknown } | null)?.message ?? error).slice(0, 200)}` };
  }
  try {
    return ctx.store(JSON.stringify(answer));
  } catch {
    // store can fail at Extism's maxPages; 0 is "no block", which the plugin sees as empty.
    return 0n;
  }
}
