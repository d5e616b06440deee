// A small JSON reader and writer for the AssemblyScript tools (AssemblyScript, not TypeScript:
// tsc and eslint skip plugins/**/*.ts). No JSON library ships in node_modules, and the tools
// need only this: parse a document into a tree, look values up, write compact JSON back.
// AssemblyScript has no exceptions (a throw aborts the module), so parse errors come back
// as a message in JsonParseResult.error.

export enum JsonKind { Null, Bool, Number, String, Array, Object }

/** Nesting deeper than this is refused instead of overflowing the wasm call stack. */
const MAX_DEPTH: i32 = 256;

export class JsonValue {
  kind: JsonKind;
  bool: bool = false;
  num: f64 = 0;
  /** The string's value, or a number's JSON text as written (so numbers round-trip exactly). */
  str: string = "";
  /** Array elements, or object member values (in document order). */
  items: JsonValue[] = [];
  /** Object member names, parallel to items. */
  keys: string[] = [];

  constructor(kind: JsonKind) { this.kind = kind; }

  static ofString(s: string): JsonValue { const v = new JsonValue(JsonKind.String); v.str = s; return v; }

  isObject(): bool { return this.kind == JsonKind.Object; }
  isArray(): bool { return this.kind == JsonKind.Array; }
  isString(): bool { return this.kind == JsonKind.String; }
  isNumber(): bool { return this.kind == JsonKind.Number; }
  isNull(): bool { return this.kind == JsonKind.Null; }

  /** Object member by name; the last one wins when a name repeats (as in JSON.parse). */
  get(key: string): JsonValue | null {
    if (this.kind != JsonKind.Object) return null;
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (this.keys[i] == key) return this.items[i];
    }
    return null;
  }

  /** Array element; a negative index counts from the end. */
  at(index: i32): JsonValue | null {
    if (this.kind != JsonKind.Array) return null;
    const n = this.items.length;
    const i = index < 0 ? n + index : index;
    if (i < 0 || i >= n) return null;
    return this.items[i];
  }

  typeName(): string {
    switch (this.kind) {
      case JsonKind.Null: return "null";
      case JsonKind.Bool: return "boolean";
      case JsonKind.Number: return "number";
      case JsonKind.String: return "string";
      case JsonKind.Array: return "array";
      default: return "object";
    }
  }
}

export class JsonParseResult {
  value: JsonValue | null = null;
  /** "" when the text parsed; otherwise what went wrong and where ("... at position N"). */
  error: string = "";
}

export function parseJson(text: string): JsonParseResult {
  const parser = new Parser(text);
  const result = new JsonParseResult();
  const value = parser.value();
  if (value !== null) {
    parser.skipSpace();
    if (parser.pos < text.length) parser.fail("unexpected text after the JSON value");
    else result.value = value;
  }
  result.error = parser.error;
  return result;
}

class Parser {
  s: string;
  pos: i32 = 0;
  depth: i32 = 0;
  error: string = "";

  constructor(s: string) { this.s = s; }

  fail(message: string): JsonValue | null {
    // Positions are UTF-16 code units, the same as a JavaScript string index.
    if (this.error.length == 0) this.error = message + " at position " + this.pos.toString();
    return null;
  }

  skipSpace(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
      this.pos++;
    }
  }

  value(): JsonValue | null {
    this.skipSpace();
    if (this.pos >= this.s.length) return this.fail("unexpected end of JSON");
    const c = this.s.charCodeAt(this.pos);
    if (c == 0x7b /* { */ || c == 0x5b /* [ */) {
      if (++this.depth > MAX_DEPTH) return this.fail("JSON nested deeper than " + MAX_DEPTH.toString() + " levels");
      const v = c == 0x7b ? this.object() : this.array();
      this.depth--;
      return v;
    }
    if (c == 0x22 /* " */) {
      const s = this.string();
      return s === null ? null : JsonValue.ofString(s);
    }
    if (c == 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.literal("true")) { const v = new JsonValue(JsonKind.Bool); v.bool = true; return v; }
    if (this.literal("false")) return new JsonValue(JsonKind.Bool);
    if (this.literal("null")) return new JsonValue(JsonKind.Null);
    return this.fail("unexpected character '" + String.fromCharCode(c) + "'");
  }

  literal(word: string): bool {
    if (this.s.substr(this.pos, word.length) != word) return false;
    this.pos += word.length;
    return true;
  }

  object(): JsonValue | null {
    const obj = new JsonValue(JsonKind.Object);
    this.pos++; // {
    this.skipSpace();
    if (this.pos < this.s.length && this.s.charCodeAt(this.pos) == 0x7d) { this.pos++; return obj; }
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.s.length || this.s.charCodeAt(this.pos) != 0x22) return this.fail("expected a member name in double quotes");
      const key = this.string();
      if (key === null) return null;
      this.skipSpace();
      if (this.pos >= this.s.length || this.s.charCodeAt(this.pos) != 0x3a) return this.fail("expected ':' after a member name");
      this.pos++;
      const v = this.value();
      if (v === null) return null;
      obj.keys.push(key);
      obj.items.push(v);
      this.skipSpace();
      if (this.pos >= this.s.length) return this.fail("unterminated object");
      const c = this.s.charCodeAt(this.pos++);
      if (c == 0x7d) return obj;
      if (c != 0x2c) { this.pos--; return this.fail("expected ',' or '}' in an object"); }
    }
    return null; // not reached (asc needs a return after for (;;))
  }

  array(): JsonValue | null {
    const arr = new JsonValue(JsonKind.Array);
    this.pos++; // [
    this.skipSpace();
    if (this.pos < this.s.length && this.s.charCodeAt(this.pos) == 0x5d) { this.pos++; return arr; }
    for (;;) {
      const v = this.value();
      if (v === null) return null;
      arr.items.push(v);
      this.skipSpace();
      if (this.pos >= this.s.length) return this.fail("unterminated array");
      const c = this.s.charCodeAt(this.pos++);
      if (c == 0x5d) return arr;
      if (c != 0x2c) { this.pos--; return this.fail("expected ',' or ']' in an array"); }
    }
    return null; // not reached
  }

  /** Reads a string starting at the opening quote; null (with error set) when malformed. */
  string(): string | null {
    const s = this.s;
    this.pos++; // opening quote
    let start = this.pos;
    let parts: string[] | null = null; // only allocated when the string has escapes
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c == 0x22) {
        const tail = s.substring(start, this.pos);
        this.pos++;
        if (parts === null) return tail;
        parts.push(tail);
        return parts.join("");
      }
      if (c < 0x20) { this.fail("control character in a string"); return null; }
      if (c != 0x5c) { this.pos++; continue; }
      if (parts === null) parts = new Array<string>();
      parts.push(s.substring(start, this.pos));
      this.pos++; // backslash
      if (this.pos >= s.length) break;
      const e = s.charCodeAt(this.pos++);
      if (e == 0x22) parts.push("\"");
      else if (e == 0x5c) parts.push("\\");
      else if (e == 0x2f) parts.push("/");
      else if (e == 0x62) parts.push("\b");
      else if (e == 0x66) parts.push("\f");
      else if (e == 0x6e) parts.push("\n");
      else if (e == 0x72) parts.push("\r");
      else if (e == 0x74) parts.push("\t");
      else if (e == 0x75) {
        // \uXXXX is one UTF-16 code unit; a surrogate pair is two escapes, and AS strings are UTF-16 too.
        let code = 0;
        for (let k = 0; k < 4; k++) {
          const h = this.pos < s.length ? hexDigit(s.charCodeAt(this.pos)) : -1;
          if (h < 0) { this.fail("bad \\u escape"); return null; }
          code = code * 16 + h;
          this.pos++;
        }
        parts.push(String.fromCharCode(code));
      } else { this.pos--; this.fail("bad escape '\\" + String.fromCharCode(e) + "'"); return null; }
      start = this.pos;
    }
    this.fail("unterminated string");
    return null;
  }

  number(): JsonValue | null {
    const s = this.s;
    const start = this.pos;
    if (s.charCodeAt(this.pos) == 0x2d) this.pos++;
    if (this.pos < s.length && s.charCodeAt(this.pos) == 0x30) this.pos++;
    else if (this.digits() == 0) return this.fail("bad number");
    if (this.pos < s.length && s.charCodeAt(this.pos) == 0x2e) {
      this.pos++;
      if (this.digits() == 0) return this.fail("bad number: digits expected after '.'");
    }
    if (this.pos < s.length && (s.charCodeAt(this.pos) | 0x20) == 0x65 /* e or E */) {
      this.pos++;
      if (this.pos < s.length && (s.charCodeAt(this.pos) == 0x2b || s.charCodeAt(this.pos) == 0x2d)) this.pos++;
      if (this.digits() == 0) return this.fail("bad number: digits expected in the exponent");
    }
    const v = new JsonValue(JsonKind.Number);
    v.str = s.substring(start, this.pos);
    v.num = parseFloat(v.str);
    return v;
  }

  digits(): i32 {
    const from = this.pos;
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos);
      if (c < 0x30 || c > 0x39) break;
      this.pos++;
    }
    return this.pos - from;
  }
}

function hexDigit(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

const HEX = "0123456789abcdef";

function escapeUnit(c: i32): string {
  return "\\u" + HEX.charAt((c >> 12) & 15) + HEX.charAt((c >> 8) & 15) + HEX.charAt((c >> 4) & 15) + HEX.charAt(c & 15);
}

/**
 * A JSON string literal for s. Non-ASCII text stays as is (the output is UTF-8); a lone
 * surrogate, which UTF-8 cannot carry, is written as a \u escape.
 */
export function quote(s: string): string {
  const parts = new Array<string>();
  parts.push("\"");
  let start = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let rep: string | null = null;
    if (c == 0x22) rep = "\\\"";
    else if (c == 0x5c) rep = "\\\\";
    else if (c < 0x20) {
      if (c == 0x0a) rep = "\\n";
      else if (c == 0x0d) rep = "\\r";
      else if (c == 0x09) rep = "\\t";
      else if (c == 0x08) rep = "\\b";
      else if (c == 0x0c) rep = "\\f";
      else rep = escapeUnit(c);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const pairStart = c <= 0xdbff && i + 1 < n && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
      if (pairStart) { i++; continue; }
      rep = escapeUnit(c);
    }
    if (rep !== null) {
      parts.push(s.substring(start, i));
      parts.push(rep);
      start = i + 1;
    }
  }
  parts.push(s.substring(start, n));
  parts.push("\"");
  return parts.join("");
}

/** JSON text for a number: integers without a fraction, non-finite numbers as null. */
export function formatNumber(n: f64): string {
  if (!isFinite(n)) return "null";
  if (n == Math.floor(n) && Math.abs(n) < 9007199254740992) return (<i64>n).toString();
  return n.toString();
}

/** Compact JSON text of a value. */
export function stringify(v: JsonValue): string {
  const parts = new Array<string>();
  write(v, parts);
  return parts.join("");
}

function write(v: JsonValue, parts: string[]): void {
  switch (v.kind) {
    case JsonKind.Null: parts.push("null"); break;
    case JsonKind.Bool: parts.push(v.bool ? "true" : "false"); break;
    case JsonKind.Number: parts.push(v.str.length > 0 ? v.str : formatNumber(v.num)); break;
    case JsonKind.String: parts.push(quote(v.str)); break;
    case JsonKind.Array: {
      parts.push("[");
      for (let i = 0; i < v.items.length; i++) {
        if (i > 0) parts.push(",");
        write(v.items[i], parts);
      }
      parts.push("]");
      break;
    }
    default: {
      parts.push("{");
      for (let i = 0; i < v.items.length; i++) {
        if (i > 0) parts.push(",");
        parts.push(quote(v.keys[i]));
        parts.push(":");
        write(v.items[i], parts);
      }
      parts.push("}");
    }
  }
}

/** Builds one JSON object's text, member by member, in order. */
export class JsonObjectWriter {
  private parts: string[] = ["{"];

  private key(name: string): void {
    if (this.parts.length > 1) this.parts.push(",");
    this.parts.push(quote(name));
    this.parts.push(":");
  }

  int(name: string, value: i64): JsonObjectWriter { this.key(name); this.parts.push(value.toString()); return this; }
  num(name: string, value: f64): JsonObjectWriter { this.key(name); this.parts.push(formatNumber(value)); return this; }
  bool(name: string, value: bool): JsonObjectWriter { this.key(name); this.parts.push(value ? "true" : "false"); return this; }
  str(name: string, value: string): JsonObjectWriter { this.key(name); this.parts.push(quote(value)); return this; }
  nil(name: string): JsonObjectWriter { this.key(name); this.parts.push("null"); return this; }
  /** A member whose value is already JSON text. */
  raw(name: string, json: string): JsonObjectWriter { this.key(name); this.parts.push(json); return this; }

  toString(): string { return this.parts.join("") + "}"; }
}
