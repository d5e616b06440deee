// fetch-url: GETs a URL through Caxton's caxton_http host function.
import { Memory } from "@extism/as-pdk";
import { length } from "@extism/as-pdk/lib/env";
import { JsonObjectWriter, JsonValue, parseJson, quote } from "../lib/json";
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

/** The first MAX_BODY_BYTES bytes of the UTF-8 body, cut on a character boundary. */
function truncateUtf8(bytes: Uint8Array): Uint8Array {
  let end = MAX_BODY_BYTES;
  while (end > 0 && (bytes[end] & 0xc0) == 0x80) end--; // bytes[end] continues a character: cut before it
  return bytes.subarray(0, end);
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

  let text = body;
  let truncated = false;
  // A UTF-16 string of at most MAX_BODY_BYTES / 3 units is at most MAX_BODY_BYTES in UTF-8.
  if (body.length > MAX_BODY_BYTES / 3) {
    const bytes = Uint8Array.wrap(String.UTF8.encode(body));
    if (bytes.length > MAX_BODY_BYTES) {
      text = String.UTF8.decode(truncateUtf8(bytes).slice().buffer);
      truncated = true;
    }
  }

  const contentType = headerValue(response.get("headers"), "content-type");
  const out = new JsonObjectWriter().int("status", <i64>status.num);
  if (contentType !== null) out.str("contentType", contentType);
  else out.nil("contentType");
  return succeed(out.str("body", text).bool("truncated", truncated).toString());
}
