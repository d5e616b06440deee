// fetch-url: GETs a URL through Caxton's caxton_http host function.
import { Memory } from "@extism/as-pdk";
import { length } from "@extism/as-pdk/lib/env";
import { JsonObjectWriter, JsonValue, parseJson, quote } from "../lib/json";
import { codePointAt, codePointWidth } from "../lib/text";
import { fail, readInput, succeed } from "../lib/tool";

/**
 * Caxton's HTTP host function (not Extism's http_request, which leaves the plugin wedged
 * when a host is denied). request: a memory block holding
 * {"url":"...","method":"GET","headers":{},"body":""}; returns a block holding
 * {"status":200,"headers":{},"body":"...","error":null}, or {"status":0,"error":"host_denied: ..."}.
 */
@external("extism:host/user", "caxton_http")
declare function caxton_http(request: u64): u64;

const MAX_BODY_BYTES: i32 = 64 * 1024;
const MAX_URL_LENGTH: i32 = 2048;

function startsWithIgnoreCase(s: string, prefix: string): bool {
  return s.length >= prefix.length && s.substring(0, prefix.length).toLowerCase() == prefix;
}

/** How many UTF-16 units of s fit in maxBytes of UTF-8 without splitting a character. */
function utf8Prefix(s: string, maxBytes: i32): i32 {
  let bytes = 0;
  let i = 0;
  while (i < s.length) {
    const cp = codePointAt(s, i);
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; // a lone surrogate becomes U+FFFD: 3
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += codePointWidth(cp);
  }
  return i;
}

function headerValue(headers: JsonValue | null, name: string): string | null {
  if (headers === null || !headers.isObject()) return null;
  for (let i = 0; i < headers.keys.length; i++) {
    if (headers.keys[i].toLowerCase() == name && headers.items[i].isString()) return headers.items[i].str;
  }
  return null;
}

/**
 * Input { url } (http or https). Output { status, contentType, body, truncated }: status is
 * the HTTP status (a 404 is a result, not an error); contentType is null when the response
 * has none; body is the response text, cut to its first 64 KiB of UTF-8 (truncated says so).
 * A request the host refuses or cannot make (host not allowed, connection failed) is an error.
 */
export function fetch(): i32 {
  const input = readInput();
  const url = input.string("url");
  if (!input.ok) return fail(input.error);
  if (!startsWithIgnoreCase(url, "http://") && !startsWithIgnoreCase(url, "https://")) {
    return fail("invalid input: \"url\" must start with http:// or https://");
  }
  if (url.length > MAX_URL_LENGTH) return fail("invalid input: \"url\" is longer than " + MAX_URL_LENGTH.toString() + " characters");

  const request = new JsonObjectWriter().str("url", url).str("method", "GET").raw("headers", "{}").str("body", "").toString();
  const responseOffset = caxton_http(Memory.allocateString(request).offset);
  if (responseOffset == 0) return fail("fetching " + url + " failed: the host returned no response");
  const responseText = new Memory(responseOffset, length(responseOffset)).toString();

  const parsed = parseJson(responseText);
  const response = parsed.value;
  if (response === null || !response.isObject()) return fail("fetching " + url + " failed: the host's response is not a JSON object");
  const error = response.get("error");
  if (error !== null && !error.isNull()) {
    return fail("fetching " + url + " failed: " + (error.isString() ? error.str : "unknown error"));
  }
  const status = response.get("status");
  if (status === null || !status.isNumber() || status.num < 100 || status.num > 599) {
    return fail("fetching " + url + " failed: the host's response has no HTTP status");
  }
  const bodyValue = response.get("body");
  const body = bodyValue !== null && bodyValue.isString() ? bodyValue.str : "";

  // Counting instead of encoding the whole body: memory, not time, is what a big response costs here.
  const keep = utf8Prefix(body, MAX_BODY_BYTES);
  const truncated = keep < body.length;
  const text = truncated ? body.substring(0, keep) : body;

  const contentType = headerValue(response.get("headers"), "content-type");
  const out = new JsonObjectWriter().int("status", <i64>status.num);
  if (contentType !== null) out.str("contentType", contentType);
  else out.nil("contentType");
  return succeed(out.str("body", text).bool("truncated", truncated).toString());
}
