import { sampleAgent } from "./agents";
import { sampleJsTool } from "./tools";

/**
 * Malformed input, generated from what a route declares, for the walks in
 * test/malformed-walk.test.ts. Values are JSON *text* (or raw URL text), not values: a
 * 5,000-level nesting cannot go through JSON.stringify, and 1e309 is not a JS number.
 */

export const nestedArrays = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;
export const nestedObjects = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

/** Replacements for one JSON property, as JSON text, by name. */
export const jsonValues: Record<string, string> = {
  nul: '"a\\u0000b"',
  "lone high surrogate": '"\\ud800x"',
  "lone low surrogate": '"x\\udc00"',
  "nul in a nested string": '{"k":["a\\u0000b"]}',
  "surrogate in a nested key": '{"\\ud800":1}',
  "nul in a key": '{"a\\u0000":1}',
  "huge string": JSON.stringify("x".repeat(200_000)),
  "empty string": '""',
  "overflowing integer": "99999999999999",
  "beyond safe integer": "9007199254740993",
  "1e309 (Infinity)": "1e309",
  "-1e309": "-1e309",
  negative: "-1",
  fraction: "1.5",
  boolean: "true",
  "number-like string": '"abc"',
  "empty array": "[]",
  "empty object": "{}",
  "arrays nested 150": nestedArrays(150),
  "objects nested 150": nestedObjects(150),
  "arrays nested 5000": nestedArrays(5_000),
  "objects nested 5000": nestedObjects(5_000),
};

/** Replacements for a path segment or query value, already percent-encoded. */
export const urlValues: Record<string, string> = {
  nul: "a%00b",
  "lone high surrogate (CESU-8)": "%ED%A0%80x",
  "lone low surrogate (CESU-8)": "x%ED%B0%80",
  "invalid UTF-8": "%FF%FE",
  "broken percent-encoding": "%E0%A4%A",
  "lone percent": "%",
  "overflowing integer": "99999999999999",
  "beyond safe integer": "9007199254740993",
  "1e309": "1e309",
  negative: "-1",
  zero: "0",
  fraction: "1.5",
  "not a number": "abc",
  "hex number": "0x10",
  space: "%20",
  "long value": "x".repeat(4_000),
  "base64 junk": "eyJpZCI6MX0%3D",
  "json text": "%7B%22a%22%3A1%7D",
};

/** Whole-body replacements: [label, content-type (null: none), body]. */
export const wholeBodies = (baseline: string): [string, string | null, string | Uint8Array<ArrayBuffer>][] => [
  ["invalid JSON", "application/json", "{"],
  ["empty body", "application/json", ""],
  ["whitespace body", "application/json", "  \n"],
  ["array instead of object", "application/json", "[]"],
  ["array of the baseline", "application/json", `[${baseline}]`],
  ["null body", "application/json", "null"],
  ["string body", "application/json", '"x"'],
  ["number body", "application/json", "1e309"],
  ["arrays nested 5000", "application/json", nestedArrays(5_000)],
  ["objects nested 5000", "application/json", nestedObjects(5_000)],
  ["arrays nested 100000", "application/json", nestedArrays(100_000)],
  ["NUL in a top-level key", "application/json", '{"\\u0000":1}'],
  ["byte-order mark", "application/json", `\ufeff${baseline}`],
  ["invalid UTF-8 bytes", "application/json", new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  ["text/plain", "text/plain", baseline],
  ["no content type", null, baseline],
  ["odd content type", "application/json-patch+json", baseline],
  ["content type with garbage parameters", 'application/json;;; charset="', "{"],
  ["multipart without parts", "multipart/form-data; boundary=zzz", "--zzz--"],
  ["multipart junk", "multipart/form-data; boundary=zzz", "garbage\u0000"],
  ["TOML with NUL", "application/toml", 'name = "a\u0000b"'],
  ["TOML with lone surrogate bytes", "application/toml", new Uint8Array([0x6e, 0x3d, 0x22, 0xed, 0xa0, 0x80, 0x22])],
];

/**
 * Documents (an agent's TOML, a tool manifest) whose text is clean but whose parsed values
 * are not: escapes inside their own strings, and nesting inside their own syntax.
 */
export const agentDocuments = (name: string): Record<string, string> => ({
  "NUL escape in a TOML string": sampleAgent(name, { description: "a\\u0000b" }),
  "lone surrogate escape in a TOML string": sampleAgent(name, { description: "a\\uD800b" }),
  "NUL escape in a capability": sampleAgent(name, { capabilities: ["sum\u0000"] }),
  "TOML arrays nested 5000": `name = "${name}"\nversion = "1.0.0"\nextra = ${nestedArrays(5_000)}\n`,
  "TOML tables nested 5000": `name = "${name}"\nversion = "1.0.0"\nextra = ${"{a=".repeat(5_000)}1${"}".repeat(5_000)}\n`,
});

const jsonManifest = (
  name: string,
  description: string,
  inputSchema = '{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}',
) =>
  `{"name":"${name}","version":"9.9.8","description":"${description}","kind":"js","entry":"run","inputSchema":${inputSchema},"outputSchema":{"type":"object"},"permissions":{"timeoutMs":1000,"maxMemoryPages":256}}`;

export const toolManifests = (name: string): [string, "toml" | "json", string][] => [
  ["NUL escape in a TOML manifest", "toml", (sampleJsTool(name).manifest as string).replace("Upper-cases a text.", "a\\u0000b")],
  ["NUL escape in a JSON manifest", "json", jsonManifest(name, "a\\u0000b")],
  ["lone surrogate in a JSON manifest", "json", jsonManifest(name, "a\\ud800b")],
  ["NUL escape in a JSON schema key", "json", jsonManifest(name, "d", '{"type":"object","properties":{"a\\u0000":{"type":"string"}}}')],
  ["input schema nested 5000 (JSON)", "json", jsonManifest(name, "d", nestedObjects(5_000))],
  [
    "input schema nested 150 (JSON)",
    "json",
    jsonManifest(
      name,
      "d",
      `{"type":"object","properties":{"a":${'{"type":"object","properties":{"a":'.repeat(150)}{"type":"string"}${"}}".repeat(150)}}}`,
    ),
  ],
];

/** Odd Authorization values: each must be a 401, never a 5xx. */
export const oddAuthorizations: Record<string, string> = {
  "long bearer": `Bearer ${"x".repeat(8_000)}`,
  "latin-1 bearer": "Bearer cx_\u00ff\u00fe",
  "bearer without token": "Bearer",
  "basic scheme": "Basic Zm9vOmJhcg==",
};

/** Odd Auth.js session cookies. */
export const oddCookies: Record<string, string> = {
  "percent-encoded NUL": "authjs.session-token=%00",
  "latin-1": "authjs.session-token=\u00ff\u00fe",
  long: `authjs.session-token=${"x".repeat(6_000)}`,
  "no value": "authjs.session-token=",
  repeated: "authjs.session-token=a; authjs.session-token=b",
};

/** JSON text of `base` with `key` set to the raw JSON text `raw`. */
export function withProperty(base: Record<string, unknown>, key: string, raw: string): string {
  const marker = "__MALFORMED_VALUE__";
  return JSON.stringify({ ...base, [key]: marker }).replace(JSON.stringify(marker), raw);
}

/** One request's result: a status, or how the connection failed. */
export interface WalkResult {
  what: string;
  status: number | string;
  text: string;
}

export async function send(what: string, url: string, init: RequestInit): Promise<WalkResult> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
    const text = response.headers.get("content-type")?.includes("event-stream") ? "(event stream)" : await response.text();
    if (response.headers.get("content-type")?.includes("event-stream")) await response.body?.cancel();
    return { what, status: response.status, text: text.slice(0, 300) };
  } catch (error) {
    return {
      what,
      status: `connection failed: ${(error as Error).message} ${(error as Error & { cause?: Error }).cause?.message ?? ""}`,
      text: "",
    };
  }
}

/** The walk's verdict: every request that answered 5xx or broke the connection. */
/** Text of an internal failure that reached the client (a tool error in MCP is a 200). */
const INTERNAL_TEXT = /prisma\.\w+\.\w+\(\)|call stack|invalid byte sequence|unsupported Unicode escape|recursion limit exceeded/i;

// A JSON-RPC "internal error" (-32603) is a 5xx carried in a 200, and so is internal text in an answer: counted the same.
export const serverFailures = (results: WalkResult[]) =>
  results
    .filter((r) => typeof r.status !== "number" || r.status >= 500 || /"code":\s*-32603/.test(r.text) || INTERNAL_TEXT.test(r.text))
    .map((r) => `${r.what} -> ${r.status} ${r.text}`);
