import { z } from "zod";
import { firstLoneSurrogate } from "../documents/encoding";
import { AppError } from "./errors";

/**
 * The one boundary check every transport (REST, tRPC, MCP, SSE) runs on what a client sent,
 * before any schema or service sees it. It refuses, with the field's path, the input classes
 * that the layers below cannot take and would otherwise answer as a 500:
 *   - NUL characters (PostgreSQL text and jsonb cannot store U+0000),
 *   - lone UTF-16 surrogates (not Unicode; Postgres and UTF-8 encoders refuse them),
 *   - nesting deeper than MAX_JSON_DEPTH (JSON.stringify, ajv and Postgres recurse per level
 *     and overflow the stack long before the 1 MiB body cap),
 *   - numbers JSON turned into Infinity (1e309), which would be stored as null.
 * The walk is iterative, so no input can overflow the stack while being checked.
 */

/**
 * Deepest nesting of objects and arrays accepted anywhere in a request. Generous for tool
 * inputs and message content (real ones nest a handful of levels); agent documents keep
 * their own, stricter limit.
 */
export const MAX_JSON_DEPTH = 64;

/** PostgreSQL's `integer`: version numbers and other counters stored in an int column. */
export const PG_INT_MAX = 2_147_483_647;

/** Where a value came from, as the error names it. */
export type InputPlace = "body" | "query" | "path" | "input" | "arguments";

const placeLabel: Record<InputPlace, string> = {
  body: "body field",
  query: "query parameter",
  path: "path parameter",
  input: "input field",
  arguments: "argument",
};

// A key can itself hold the bad character: messages show control characters and lone
// surrogates escaped, as JSON would.
function printable(path: string): string {
  let out = "";
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    const pairs = code >= 0xd800 && code <= 0xdbff && path.charCodeAt(i + 1) >= 0xdc00 && path.charCodeAt(i + 1) <= 0xdfff;
    if (pairs) out += path[i]! + path[++i]!;
    else if (code < 0x20 || (code >= 0xd800 && code <= 0xdfff)) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += path[i];
  }
  return out;
}
const show = (place: InputPlace, path: string) => (path ? `${placeLabel[place]} \`${printable(path)}\`` : place);
const join = (path: string, key: string | number) => (typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key);

// A cursor is handed out by a list (server/lib/pagination.ts): bad text in one is a bad cursor.
const textCode = (path: string) => (/(^|\.)cursor$/.test(path) ? "invalid_cursor" : "invalid_text");

function refuseText(place: InputPlace, path: string, text: string, what: "key" | "value"): void {
  const nul = text.indexOf("\u0000");
  if (nul >= 0) {
    throw new AppError(
      textCode(path),
      `The ${what === "key" ? "name of " : ""}${show(place, path)} contains a NUL character (\\u0000) at position ${nul}.`,
      {
        hint: "Text cannot contain NUL characters: remove them, or send binary data base64-encoded.",
        details: [{ in: place, path, code: "nul_character", position: nul }],
      },
    );
  }
  const lone = firstLoneSurrogate(text);
  if (lone >= 0) {
    const unit = text.charCodeAt(lone).toString(16);
    throw new AppError(
      textCode(path),
      `The ${what === "key" ? "name of " : ""}${show(place, path)} contains a lone UTF-16 surrogate (\\u${unit}) at position ${lone}, which is not valid Unicode.`,
      {
        hint: "Send valid Unicode text: a surrogate must be followed (high) or preceded (low) by its pair.",
        details: [{ in: place, path, code: "lone_surrogate", position: lone }],
      },
    );
  }
}

const tooDeep = (place: InputPlace, path: string) =>
  new AppError("too_deep", `The ${show(place, path)} nests deeper than ${MAX_JSON_DEPTH} levels.`, {
    hint: `Flatten the data to at most ${MAX_JSON_DEPTH} levels of objects and arrays.`,
    details: [{ in: place, path, code: "too_deep", limit: MAX_JSON_DEPTH }],
  });

/** Refuses (AppError 400) what no layer below can take; see the module comment. */
export function guardInput(value: unknown, place: InputPlace, basePath = ""): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: basePath, depth: 0 }];
  while (stack.length) {
    const item = stack.pop()!;
    const v = item.value;
    if (typeof v === "string") refuseText(place, item.path, v, "value");
    else if (typeof v === "number") {
      if (!Number.isFinite(v)) {
        throw new AppError("validation_failed", `The ${show(place, item.path)} is a number too large to represent.`, {
          hint: "Send a number within ±1.7e308 (or the range the field documents).",
          details: [{ in: place, path: item.path, code: "number_out_of_range" }],
        });
      }
    } else if (v !== null && typeof v === "object") {
      if (item.depth >= MAX_JSON_DEPTH) throw tooDeep(place, item.path);
      if (Array.isArray(v)) v.forEach((child, i) => stack.push({ value: child, path: join(item.path, i), depth: item.depth + 1 }));
      else if (v instanceof Uint8Array) continue;
      else {
        for (const [key, child] of Object.entries(v)) {
          const path = join(item.path, key);
          refuseText(place, path, key, "key");
          stack.push({ value: child, path, depth: item.depth + 1 });
        }
      }
    }
  }
}

/** Nesting depth of a JSON text, counted without parsing it; stops counting past `limit`. */
export function jsonTextDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Where JSON.parse stopped, from the offset V8 names, or null when it names none (an unexpected end). */
function jsonErrorPosition(text: string, error: unknown): { line: number; column: number } | null {
  const offset = /at position (\d+)/.exec(error instanceof Error ? error.message : "")?.[1];
  if (offset === undefined) return null;
  const before = text.slice(0, Number(offset)).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/**
 * A JSON text as a value, refused before parsing when it nests too deep, and then checked
 * by guardInput. `bad_request` for text that is not JSON.
 */
export function parseGuardedJson(text: string, place: InputPlace): unknown {
  if (jsonTextDepth(text) > MAX_JSON_DEPTH) throw tooDeep(place, "");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The parser's own text is not ours to show (the bar: no internal message in an answer);
    // where it went wrong is, as a line and column of the caller's own text.
    const at = jsonErrorPosition(text, error);
    throw new AppError(
      "bad_request",
      `The ${place === "body" ? "body" : place} is not valid JSON${at ? ` (line ${at.line}, column ${at.column})` : ""}.`,
      { hint: "Check the JSON syntax." },
    );
  }
  guardInput(value, place);
  return value;
}

/** An integer query or path parameter (a version, a count): "abc", 1e309, -1 or 2^53 answer 400. */
export const intParam = (min: number, max = PG_INT_MAX) => z.coerce.number().int().min(min).max(max);
