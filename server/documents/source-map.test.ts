import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { formatPath, mapSource, positionOf } from "./source-map";

/** `[key line, key column, value line, value column]` of each mapped path. */
function positions(text: string): Record<string, [number, number, number, number]> {
  // Each document here must be valid TOML: the map is only ever built for one that parsed.
  parseToml(text);
  const out: Record<string, [number, number, number, number]> = {};
  for (const [path, { key, value }] of mapSource(text).entries) out[path] = [key.line, key.column, value.line, value.column];
  return out;
}

describe("formatPath", () => {
  it("joins keys with dots, indexes with brackets, and quotes keys that are not bare", () => {
    expect(formatPath(["tests", 0, "name"])).toBe("tests[0].name");
    expect(formatPath(["site", "google.com", "x y"])).toBe('site."google.com"."x y"');
    expect(formatPath([])).toBe("");
  });
});

describe("positionOf", () => {
  it("counts lines and UTF-16 columns from 1", () => {
    expect(positionOf("ab\ncd", 0)).toEqual({ line: 1, column: 1 });
    expect(positionOf("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
    expect(positionOf("🙂x\ny", 2)).toEqual({ line: 1, column: 3 });
  });
});

describe("mapSource", () => {
  it("maps dotted and quoted keys", () => {
    const text = ["a.b.c = 1", '"quoted key" = 2', 'site."google.com" = true', "'lit'.x = 3", "a . d = 4"].join("\n");
    expect(positions(text)).toEqual({
      "a.b.c": [1, 1, 1, 9],
      '"quoted key"': [2, 1, 2, 16],
      'site."google.com"': [3, 1, 3, 21],
      "lit.x": [4, 1, 4, 11],
      "a.d": [5, 1, 5, 9],
    });
  });

  it("maps the keys of inline tables, nested ones included", () => {
    const text = ["[llm]", 'point = { x = 1, y = { z = "}" } }', "after = 2"].join("\n");
    expect(positions(text)).toMatchObject({
      "llm.point": [2, 1, 2, 9],
      "llm.point.x": [2, 11, 2, 15],
      "llm.point.y": [2, 18, 2, 22],
      "llm.point.y.z": [2, 24, 2, 28],
      "llm.after": [3, 1, 3, 9],
    });
  });

  it("numbers arrays of tables, nested ones per parent", () => {
    const text = ["[[tests]]", 'name = "a"', "", "[[tests]]", 'name = "b"', 'input = "c"'].join("\n");
    expect(positions(text)).toEqual({
      "tests[0]": [1, 1, 1, 1],
      "tests[0].name": [2, 1, 2, 8],
      "tests[1]": [4, 1, 4, 1],
      "tests[1].name": [5, 1, 5, 8],
      "tests[1].input": [6, 1, 6, 9],
    });
    const nested = positions(["[[a]]", "[[a.b]]", "x = 1", "[[a]]", "[[a.b]]", "x = 2"].join("\n"));
    expect(nested["a[1].b[0].x"]).toEqual([6, 1, 6, 5]);
  });

  it("records headers in order, spaces inside brackets allowed", () => {
    const map = mapSource(["[ llm ]", 'model = "x"', "[a.b]", "c = 1"].join("\n"));
    expect(map.headers).toEqual([
      { path: "llm", position: { line: 1, column: 1 } },
      { path: "a.b", position: { line: 3, column: 1 } },
    ]);
    expect(map.entries.get("a.b.c")?.table).toBe("a.b");
  });

  it("does not map headers or keys written inside multi-line strings", () => {
    const text = [
      'system_prompt = """',
      "[fake]",
      'key = "v"',
      '\\"""',
      "still = 1",
      '"""',
      "x = '''",
      "[[fake]]",
      "y = 1",
      "'''",
      "z = 2",
    ].join("\n");
    expect(positions(text)).toEqual({ system_prompt: [1, 1, 1, 17], x: [7, 1, 7, 5], z: [11, 1, 11, 5] });
    expect(mapSource(text).headers).toEqual([]);
  });

  it("does not end a basic string at an escaped quote", () => {
    expect(positions(['s = "a \\" [x] = 1"', "t = 2"].join("\n"))).toEqual({ s: [1, 1, 1, 5], t: [2, 1, 2, 5] });
  });

  it("maps arrays written over several lines, with comments", () => {
    const text = [
      "capabilities = [",
      '  "a", # one, two ] three',
      "  # a comment with [brackets] and key = 1",
      '  "b",',
      "]",
      "after = 1",
    ].join("\n");
    expect(positions(text)).toEqual({
      capabilities: [1, 1, 1, 16],
      "capabilities[0]": [2, 3, 2, 3],
      "capabilities[1]": [4, 3, 4, 3],
      after: [6, 1, 6, 9],
    });
  });

  it("maps nested arrays by index", () => {
    expect(positions("m = [[1, 2], [3]]")).toMatchObject({ "m[0][1]": [1, 10, 1, 10], "m[1][0]": [1, 15, 1, 15] });
  });

  it("counts CRLF lines the same as LF lines", () => {
    const text = ["[llm]", 'model = "x"', "", "[[tests]]", 'name = "t"'].join("\n");
    expect(positions(text.replaceAll("\n", "\r\n"))).toEqual(positions(text));
  });

  it("never throws on text that is not TOML", () => {
    for (const text of ["[", "[[", 'a = "', "a = [1, {", "= = =", "'''", '"""\\', "{{{{", "\\u"]) {
      expect(() => mapSource(text)).not.toThrow();
    }
  });
});
