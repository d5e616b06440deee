import { formatPath, positionOf, type PathSegment, type SourceMap } from "./source-map";

/**
 * Where each key and value of a JSON document sits, by the same paths as the TOML map
 * (`permissions.timeoutMs`, `inputSchema.required[0]`). Runs only on text JSON.parse
 * accepted; still never throws or loops.
 */
export function mapJson(text: string): SourceMap {
  const entries: SourceMap["entries"] = new Map();
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return text.slice(start + 1, i - 1);
    }
  };
  const record = (path: PathSegment[], key: number, value: number) => {
    if (path.length)
      entries.set(formatPath(path), { key: positionOf(text, key), value: positionOf(text, value), table: formatPath(path.slice(0, -1)) });
  };

  const value = (path: PathSegment[], depth: number): void => {
    skip();
    const c = text[i];
    if (depth > 64 || c === undefined) {
      i = text.length;
    } else if (c === "{") {
      i++;
      for (;;) {
        skip();
        if (text[i] !== '"') break;
        const keyAt = i;
        const key = readString();
        skip();
        if (text[i] === ":") i++;
        skip();
        record([...path, key], keyAt, i);
        value([...path, key], depth + 1);
        skip();
        if (text[i] === ",") i++;
        else break;
      }
      i++;
    } else if (c === "[") {
      i++;
      for (let index = 0; ; index++) {
        skip();
        if (text[i] === "]" || i >= text.length) break;
        record([...path, index], i, i);
        const before = i;
        value([...path, index], depth + 1);
        skip();
        if (text[i] === ",") i++;
        else if (i === before) i++;
        else break;
      }
      i++;
    } else if (c === '"') {
      readString();
    } else {
      while (i < text.length && !/[,\]}\s]/.test(text[i]!)) i++;
    }
  };

  value([], 0);
  return { entries, headers: [] };
}
