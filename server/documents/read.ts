import { parse as parseToml, TomlError } from "smol-toml";
import { decodeUtf8, firstLoneSurrogate, utf8Length } from "./encoding";
import { mapJson } from "./json-map";
import { MAX_NESTING, problem, START, type Problem } from "./problems";
import { formatPath, mapSource, positionOf, type PathSegment, type Position, type SourceMap } from "./source-map";

/**
 * The checks every document goes through before its schema: size, encoding, syntax (TOML
 * or JSON) and nesting. Returns the data with a lazily built map of positions, or the one
 * problem that stops reading.
 */

export type DocumentFormat = "toml" | "json";

export interface ReadOptions {
  format: DocumentFormat;
  maxBytes: number;
  /** How the documents are named in messages: "agent documents", "tool manifests". */
  what: string;
  /** What to do about a document that is too large. */
  sizeHint: string;
}

export type ReadResult =
  { ok: true; text: string; data: Record<string, unknown>; map: () => SourceMap } | { ok: false; problems: Problem[] };

const refuse = (...problems: Problem[]): ReadResult => ({ ok: false, problems });

export function readDocument(input: string | Uint8Array, options: ReadOptions): ReadResult {
  const tooLarge = (bytes: number) =>
    problem(
      "document_too_large",
      "",
      `The document is ${(bytes / 1024).toFixed(1)} KiB; ${options.what} may be at most ${options.maxBytes / 1024} KiB.`,
      START,
      [options.sizeHint],
    );
  let text: string;
  if (typeof input === "string") {
    const size = utf8Length(input, options.maxBytes);
    if (size > options.maxBytes) return refuse(tooLarge(size));
    const bad = firstLoneSurrogate(input);
    if (bad >= 0)
      return refuse(
        problem(
          "invalid_encoding",
          "",
          "The document contains an unpaired surrogate, which is not valid Unicode text.",
          positionOf(input, bad),
        ),
      );
    text = input;
  } else {
    if (input.length > options.maxBytes) return refuse(tooLarge(input.length));
    const decoded = decodeUtf8(input);
    if (typeof decoded !== "string") return refuse(decoded);
    text = decoded;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  let data: unknown;
  try {
    data = options.format === "toml" ? parseToml(text, { maxDepth: MAX_NESTING * 4 }) : JSON.parse(text);
  } catch (error) {
    return refuse(options.format === "toml" ? tomlSyntaxProblem(error) : jsonSyntaxProblem(error, text));
  }
  if (!isTable(data))
    return refuse(problem("invalid_type", "", "The document must be an object (a JSON object, or TOML keys and tables).", START));

  let built: SourceMap | undefined;
  const map = () => (built ??= options.format === "toml" ? mapSource(text) : mapJson(text));
  const deepest = deepestPath(data);
  if (deepest.length > MAX_NESTING) {
    const path = deepest.slice(0, MAX_NESTING + 1);
    const field = formatPath(path);
    return refuse(
      problem(
        "nesting_too_deep",
        field,
        `\`${field}\` is nested more than ${MAX_NESTING} levels deep; ${options.what} allow at most ${MAX_NESTING}.`,
        locate(map(), path),
      ),
    );
  }
  const bad = firstUnstorableText(data);
  if (bad) {
    const field = formatPath(bad.path);
    return refuse(
      problem(
        "invalid_text",
        field,
        `\`${field}\` contains ${bad.what}, which cannot be stored as text.`,
        locate(map(), bad.path, bad.part),
        ["Remove the escape, or write the character it stands for."],
      ),
    );
  }
  return { ok: true, text, data, map };
}

/**
 * The text itself was checked above, but an escape (`\u0000`, JSON's `\ud800`) puts a NUL or
 * a lone surrogate into a value, which PostgreSQL refuses. Recursion is bounded by MAX_NESTING.
 */
function firstUnstorableText(
  value: unknown,
  path: PathSegment[] = [],
): { path: PathSegment[]; what: string; part: "key" | "value" } | null {
  const flaw = (text: string) =>
    text.includes("\u0000") ? "a NUL character (\\u0000)" : firstLoneSurrogate(text) >= 0 ? "an unpaired surrogate" : null;
  if (typeof value === "string") {
    const what = flaw(value);
    return what ? { path, what, part: "value" } : null;
  }
  const entries: [PathSegment, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : isTable(value)
      ? Object.entries(value)
      : [];
  for (const [key, item] of entries) {
    const what = typeof key === "string" ? flaw(key) : null;
    if (what) return { path: [...path, key], what: `a key with ${what}`, part: "key" };
    const found = firstUnstorableText(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

export const isTable = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** The position of a path, or of its nearest ancestor that is written in the document. */
export function locate(map: SourceMap, path: readonly PathSegment[], part: "key" | "value" = "value"): Position {
  for (let length = path.length; length > 0; length--) {
    const entry = map.entries.get(formatPath(path.slice(0, length)));
    if (entry) return length === path.length ? entry[part] : entry.key;
  }
  return START;
}

function tomlSyntaxProblem(error: unknown): Problem {
  if (error instanceof TomlError) {
    const reason = error.message.split("\n")[0]!.replace(/^Invalid TOML document:\s*/, "");
    if (/excessively nested/.test(reason)) {
      return problem("nesting_too_deep", "", `Tables and arrays are nested too deeply; at most ${MAX_NESTING} levels are allowed.`, {
        line: error.line,
        column: error.column,
      });
    }
    return problem(
      "syntax_error",
      "",
      `TOML syntax error: ${reason}.`,
      { line: error.line, column: error.column },
      tomlSyntaxHints(reason),
    );
  }
  return problem("syntax_error", "", `TOML syntax error: ${(error as Error)?.message ?? String(error)}.`, START);
}

function tomlSyntaxHints(reason: string): string[] {
  if (/redefine/.test(reason)) return ["Each key and table may be defined once; remove or merge the repeated one."];
  if (/control characters|string/.test(reason))
    return ['Close the string with its quote; for text over several lines use """triple quotes""".'];
  if (/invalid value/.test(reason)) return ['Strings need quotes: key = "value".'];
  return [];
}

function jsonSyntaxProblem(error: unknown, text: string): Problem {
  const message = (error as Error)?.message ?? String(error);
  // V8 names the offset ("... at position 42"); without one the end of the text is to blame.
  const offset = /position (\d+)/.exec(message)?.[1];
  const at = positionOf(text, offset === undefined ? text.length : Math.min(Number(offset), text.length));
  // Drop V8's quote of the text ('Unexpected token }, "{..." is not valid JSON'): the position says where.
  const reason = message
    .replace(/^(SyntaxError: )?/, "")
    .split("\n")[0]!
    .split(/, "/)[0];
  return problem("syntax_error", "", `JSON syntax error: ${reason}.`, at, [
    "Check for a missing comma, quote or bracket near this position.",
  ]);
}

/** The longest path of nested tables and arrays (stops looking past the limit). */
function deepestPath(value: unknown, path: PathSegment[] = []): PathSegment[] {
  let deepest = path;
  if (path.length > MAX_NESTING) return path;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const found = deepestPath(item, [...path, index]);
      if (found.length > deepest.length) deepest = found;
    });
  } else if (isTable(value)) {
    for (const [key, item] of Object.entries(value)) {
      const found = deepestPath(item, [...path, key]);
      if (found.length > deepest.length) deepest = found;
    }
  }
  return deepest;
}
