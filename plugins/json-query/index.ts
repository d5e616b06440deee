// json-query: picks one value out of a JSON document by a path such as a.b[0].c.
import { JsonObjectWriter, JsonValue, parseJson, quote, stringify } from "../lib/json";
import { fail, readInput, succeed } from "../lib/tool";

class Segment {
  key: string = "";
  index: i32 = 0;
  isIndex: bool = false;
  /** Where the segment ends in the path text, to name the part that resolved. */
  end: i32 = 0;
}

class PathResult {
  segments: Segment[] = [];
  error: string = "";
}

function isDigit(c: i32): bool { return c >= 0x30 && c <= 0x39; }

/** "an object", "a number", "null": for the not-found reasons. */
function described(v: JsonValue): string {
  if (v.isNull()) return "null";
  return (v.isObject() || v.isArray() ? "an " : "a ") + v.typeName();
}

/**
 * Path syntax: an optional leading "$", then names separated by ".", and brackets:
 * [2] (array index; [-1] is the last element) or ["any key"] / ['any key'] for names
 * holding ".", "[" or quotes (a backslash escapes the next character). "" or "$" is the
 * whole document.
 */
function parsePath(path: string): PathResult {
  const r = new PathResult();
  let i = 0;
  const n = path.length;
  if (n > 0 && path.charCodeAt(0) == 0x24 /* $ */) i = 1;
  let first = true;
  while (i < n) {
    const c = path.charCodeAt(i);
    const seg = new Segment();
    if (c == 0x5b /* [ */) {
      i++;
      const q = i < n ? path.charCodeAt(i) : 0;
      if (q == 0x22 || q == 0x27) {
        i++;
        const parts = new Array<string>();
        let start = i;
        while (i < n && path.charCodeAt(i) != q) {
          if (path.charCodeAt(i) == 0x5c && i + 1 < n) { parts.push(path.substring(start, i)); i++; start = i; }
          i++;
        }
        if (i >= n) { r.error = "unterminated quoted name"; return r; }
        parts.push(path.substring(start, i));
        seg.key = parts.join("");
        i++; // closing quote
      } else {
        const start = i;
        if (i < n && path.charCodeAt(i) == 0x2d) i++;
        while (i < n && isDigit(path.charCodeAt(i))) i++;
        const digits = path.substring(start, i);
        if (digits.length == 0 || digits == "-" || digits.length > 9) {
          r.error = "expected an array index or a quoted name after '[' at column " + (start + 1).toString();
          return r;
        }
        seg.isIndex = true;
        seg.index = I32.parseInt(digits);
      }
      if (i >= n || path.charCodeAt(i) != 0x5d) { r.error = "expected ']' at column " + (i + 1).toString(); return r; }
      i++;
    } else {
      if (c == 0x2e /* . */) {
        if (first) { r.error = "the path starts with '.' (write a.b, not .a.b)"; return r; }
        i++;
      } else if (!first) {
        r.error = "expected '.' or '[' at column " + (i + 1).toString(); return r;
      }
      const start = i;
      while (i < n) {
        const d = path.charCodeAt(i);
        if (d == 0x2e || d == 0x5b || d == 0x5d) break;
        i++;
      }
      if (i == start) { r.error = "empty name at column " + (start + 1).toString(); return r; }
      seg.key = path.substring(start, i);
    }
    seg.end = i;
    r.segments.push(seg);
    first = false;
  }
  return r;
}

/**
 * Input { document: string (JSON text), path: string }.
 * Output, found:     { found: true, type: "object"|"array"|"string"|"number"|"boolean"|"null", value: <compact JSON text> }
 * Output, not found: { found: false, type: null, value: null, reason: "<which step failed>" }
 * A document that is not JSON, or a path that is not valid syntax, is an error.
 */
export function query(): i32 {
  const input = readInput();
  const document = input.string("document");
  const path = input.string("path");
  if (!input.ok) return fail(input.error);

  const parsedPath = parsePath(path);
  if (parsedPath.error.length > 0) return fail("invalid path " + quote(path) + ": " + parsedPath.error);
  const parsed = parseJson(document);
  const root = parsed.value;
  if (root === null) return fail("document is not valid JSON: " + parsed.error);

  let current: JsonValue = root;
  const segments = parsedPath.segments;
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k];
    const at = k == 0 ? "the document" : quote(path.substring(0, segments[k - 1].end));
    let next: JsonValue | null = null;
    let reason = "";
    if (seg.isIndex) {
      if (!current.isArray()) reason = at + " is " + described(current) + ", not an array";
      else {
        next = current.at(seg.index);
        if (next === null) reason = "index " + seg.index.toString() + " is out of range: " + at + " has " + current.items.length.toString() + " elements";
      }
    } else {
      if (!current.isObject()) reason = at + " is " + described(current) + ", not an object";
      else {
        next = current.get(seg.key);
        if (next === null) reason = at + " has no member " + quote(seg.key);
      }
    }
    if (next === null) {
      return succeed(new JsonObjectWriter().bool("found", false).nil("type").nil("value").str("reason", reason).toString());
    }
    current = next;
  }
  return succeed(new JsonObjectWriter().bool("found", true).str("type", current.typeName()).str("value", stringify(current)).toString());
}
