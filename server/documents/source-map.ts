/**
 * Where each key and value of a TOML document sits, by path (`llm.temperature`,
 * `capabilities[1]`, `tests[0].name`). TOML parsers return values without positions, so
 * validation problems found after parsing are placed with this map.
 *
 * It scans a document that has already parsed, so it need not report syntax errors; it
 * must still never throw or loop, whatever it is given (the fuzz test holds it to that).
 */

export interface Position {
  line: number;
  column: number;
}

export interface Located {
  key: Position;
  value: Position;
  /** Path of the table the key was written in ("" for the top level). */
  table: string;
}

export interface SourceMap {
  entries: Map<string, Located>;
  /** Table headers in document order. */
  headers: { path: string; position: Position }[];
}

export type PathSegment = string | number;

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** `["tests", 0, "name"]` → `tests[0].name`; keys that are not bare are quoted. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = BARE_KEY.test(segment) ? segment : JSON.stringify(segment);
      out += out ? `.${key}` : key;
    }
  }
  return out;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line and column (in UTF-16 units, as editors count) of an offset. */
export function positionAt(starts: number[], offset: number): Position {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - starts[low]! + 1 };
}

export function positionOf(text: string, offset: number): Position {
  return positionAt(lineStarts(text), offset);
}

const SIMPLE_ESCAPES: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", e: "\x1b", '"': '"', "\\": "\\" };

export function mapSource(text: string): SourceMap {
  const starts = lineStarts(text);
  const at = (offset: number) => positionAt(starts, offset);
  const entries = new Map<string, Located>();
  const headers: SourceMap["headers"] = [];
  /** Array-of-tables paths (formatted, without index) → how many so far. */
  const arrayTables = new Map<string, number>();
  const n = text.length;
  let i = 0;
  let table: PathSegment[] = [];

  const skipSpaces = () => {
    while (i < n && (text[i] === " " || text[i] === "\t")) i++;
  };
  const skipSpacesNewlinesComments = () => {
    while (i < n) {
      const c = text[i];
      if (c === " " || c === "\t" || c === "\r" || c === "\n") i++;
      else if (c === "#") while (i < n && text[i] !== "\n") i++;
      else break;
    }
  };
  const skipLine = () => {
    while (i < n && text[i] !== "\n") i++;
  };

  const readBasicString = (): string => {
    i++; // opening quote
    let out = "";
    while (i < n && text[i] !== '"' && text[i] !== "\n") {
      if (text[i] === "\\") {
        const next = text[i + 1] ?? "";
        if (next === "u" || next === "U") {
          const digits = next === "u" ? 4 : 8;
          const code = Number.parseInt(text.slice(i + 2, i + 2 + digits), 16);
          out += Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : "";
          i += 2 + digits;
        } else {
          out += SIMPLE_ESCAPES[next] ?? next;
          i += 2;
        }
      } else out += text[i++];
    }
    i++; // closing quote
    return out;
  };

  const readKey = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      skipSpaces();
      const c = text[i];
      if (c === '"') parts.push(readBasicString());
      else if (c === "'") {
        const end = text.indexOf("'", i + 1);
        const stop = end < 0 ? n : end;
        parts.push(text.slice(i + 1, stop));
        i = stop + 1;
      } else {
        const begin = i;
        while (i < n && /[A-Za-z0-9_-]/.test(text[i]!)) i++;
        parts.push(text.slice(begin, i));
        if (i === begin) return parts;
      }
      skipSpaces();
      if (text[i] === ".") i++;
      else return parts;
    }
  };

  const skipMultiline = (quote: string) => {
    i += 3;
    while (i < n) {
      if (quote === '"' && text[i] === "\\") i += 2;
      else if (text.startsWith(quote.repeat(3), i)) {
        i += 3;
        // Up to two quotes right before the closing delimiter belong to the string.
        for (let extra = 0; extra < 2 && text[i] === quote; extra++) i++;
        return;
      } else i++;
    }
  };

  const record = (path: PathSegment[], key: number, value: number) => {
    entries.set(formatPath(path), { key: at(key), value: at(value), table: formatPath(table) });
  };

  const readValue = (path: PathSegment[], depth: number) => {
    if (depth > 64) return skipLine();
    const c = text[i];
    if (text.startsWith('"""', i)) skipMultiline('"');
    else if (text.startsWith("'''", i)) skipMultiline("'");
    else if (c === '"') readBasicString();
    else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      i = end < 0 ? n : end + 1;
    } else if (c === "[") {
      i++;
      for (let index = 0; i < n; index++) {
        skipSpacesNewlinesComments();
        if (text[i] === "]") break;
        const begin = i;
        record([...path, index], begin, begin);
        readValue([...path, index], depth + 1);
        skipSpacesNewlinesComments();
        if (text[i] === ",") i++;
        else if (i === begin) i++; // never stand still on input we do not understand
      }
      i++;
    } else if (c === "{") {
      i++;
      while (i < n) {
        skipSpaces();
        if (text[i] === "}" || text[i] === "\n") break;
        const begin = i;
        const keyPath = [...path, ...readKey()];
        skipSpaces();
        if (text[i] === "=") i++;
        skipSpaces();
        record(keyPath, begin, i);
        readValue(keyPath, depth + 1);
        skipSpaces();
        if (text[i] === ",") i++;
        else if (i === begin) i++;
      }
      i++;
    } else {
      while (i < n && !",]}\n#\r".includes(text[i]!)) i++;
    }
  };

  /** A header's dotted key with the current index of every array table on its way. */
  const resolve = (parts: string[]): PathSegment[] => {
    const resolved: PathSegment[] = [];
    for (const part of parts) {
      resolved.push(part);
      const count = arrayTables.get(formatPath(resolved));
      if (count !== undefined) resolved.push(count - 1);
    }
    return resolved;
  };

  try {
    while (i < n) {
      skipSpacesNewlinesComments();
      if (i >= n) break;
      const begin = i;
      if (text[i] === "[") {
        const isArray = text[i + 1] === "[";
        i += isArray ? 2 : 1;
        const parts = readKey();
        if (isArray) {
          const prefix = resolve(parts.slice(0, -1));
          const own = formatPath([...prefix, parts.at(-1) ?? ""]);
          const count = (arrayTables.get(own) ?? 0) + 1;
          arrayTables.set(own, count);
          table = [...prefix, parts.at(-1) ?? "", count - 1];
        } else table = resolve(parts);
        entries.set(formatPath(table), { key: at(begin), value: at(begin), table: formatPath(table) });
        headers.push({ path: formatPath(table), position: at(begin) });
        skipLine();
        continue;
      }
      const parts = readKey();
      skipSpaces();
      if (text[i] !== "=") {
        skipLine();
        if (i === begin) i++;
        continue;
      }
      i++;
      skipSpaces();
      const path = [...table, ...parts];
      record(path, begin, i);
      readValue(path, 0);
      if (i === begin) i++;
    }
  } catch {
    // A best effort: what was mapped so far still places most problems.
  }
  return { entries, headers };
}
