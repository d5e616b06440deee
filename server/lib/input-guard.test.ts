import { describe, expect, it } from "vitest";
import { AppError } from "./errors";
import { guardInput, intParam, jsonTextDepth, MAX_JSON_DEPTH, parseGuardedJson, PG_INT_MAX } from "./input-guard";

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError)
      return { code: error.code, message: error.message, details: error.extra.details, hint: error.extra.hint };
    throw error;
  }
  return null;
};
const nestedArrays = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;
const nestedObjects = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

describe("guardInput", () => {
  it("names the path of a NUL character, in values and in keys, at any depth", () => {
    expect(refusal(() => guardInput({ content: "a\u0000b" }, "body"))).toMatchObject({
      code: "invalid_text",
      message: "The body field `content` contains a NUL character (\\u0000) at position 1.",
      details: [{ in: "body", path: "content", code: "nul_character", position: 1 }],
      hint: expect.stringMatching(/remove them/),
    });
    expect(refusal(() => guardInput({ a: [{ b: "ok" }, { c: "x\u0000" }] }, "input"))?.message).toMatch(/input field `a\[1\]\.c`/);
    expect(refusal(() => guardInput({ a: { "k\u0000": 1 } }, "body"))?.message).toMatch(
      /^The name of body field `a\.k\\u0000` contains a NUL/,
    );
  });

  it("refuses lone surrogates, high or low, and takes paired ones", () => {
    expect(refusal(() => guardInput({ name: "\ud800x" }, "body"))).toMatchObject({
      code: "invalid_text",
      message: expect.stringMatching(/`name` contains a lone UTF-16 surrogate \(\\ud800\) at position 0/),
    });
    expect(refusal(() => guardInput({ name: "x\udc00" }, "body"))?.message).toMatch(/\\udc00\) at position 1/);
    expect(refusal(() => guardInput({ name: "emoji 😀 ok", list: ["é"] }, "body"))).toBeNull();
  });

  it("calls bad text in a cursor a bad cursor", () => {
    expect(refusal(() => guardInput({ cursor: "a\u0000" }, "query"))).toMatchObject({
      code: "invalid_cursor",
      message: expect.stringMatching(/query parameter `cursor`/),
    });
  });

  it("refuses nesting past the limit without recursing, and takes nesting up to it", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(refusal(() => guardInput({ input: deep }, "body"))).toMatchObject({ code: "too_deep", details: [{ limit: MAX_JSON_DEPTH }] });
    let fine: unknown = "leaf";
    for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) fine = { a: fine };
    expect(refusal(() => guardInput({ input: fine }, "body"))).toBeNull();
  });

  it("refuses numbers JSON turned into Infinity", () => {
    expect(refusal(() => guardInput({ wait: Infinity }, "body"))).toMatchObject({
      code: "validation_failed",
      message: expect.stringMatching(/`wait` is a number too large/),
    });
  });

  it("skips bytes and takes ordinary values", () => {
    expect(refusal(() => guardInput({ module: new Uint8Array([0, 0xd8]), n: 1, b: true, z: null }, "body"))).toBeNull();
    expect(refusal(() => guardInput(undefined, "input"))).toBeNull();
  });
});

describe("jsonTextDepth and parseGuardedJson", () => {
  it("counts brackets outside strings only", () => {
    expect(jsonTextDepth('{"a":"[[[[{{{{\\"]]]"}')).toBe(1);
    expect(jsonTextDepth(nestedArrays(10))).toBe(10);
    expect(jsonTextDepth(nestedArrays(100_000))).toBe(MAX_JSON_DEPTH + 1);
  });

  it("refuses 5,000 and 100,000 levels with too_deep, before JSON.parse or anything that recurses", () => {
    for (const text of [nestedArrays(5_000), nestedObjects(5_000), nestedArrays(100_000), `{"input":${nestedObjects(150)}}`]) {
      expect(refusal(() => parseGuardedJson(text, "body"))?.code).toBe("too_deep");
    }
  });

  it("says what is wrong with text that is not JSON", () => {
    expect(refusal(() => parseGuardedJson("{", "body"))).toMatchObject({
      code: "bad_request",
      message: expect.stringMatching(/^The body is not valid JSON/),
    });
    expect(parseGuardedJson('{"a":[1,{"b":"c"}]}', "body")).toEqual({ a: [1, { b: "c" }] });
  });

  it("never quotes the parser's own message, which echoes the text: it names the line and column when the parser knows them", () => {
    expect(refusal(() => parseGuardedJson('{"a":1}\n}', "body"))?.message).toBe("The body is not valid JSON (line 2, column 1).");
    expect(refusal(() => parseGuardedJson('{"token": sk-live-abc}', "body"))?.message).toMatch(
      /^The body is not valid JSON( \(line \d+, column \d+\))?\.$/,
    );
    for (const text of ["{", "[1,]", '{"a": x}']) {
      const message = refusal(() => parseGuardedJson(text, "body"))!.message;
      expect(message, text).not.toMatch(/Unexpected|Expected|position|is not valid JSON"/);
    }
  });
});

describe("intParam", () => {
  it("takes integers in range and refuses overflow, Infinity, negatives, fractions and words", () => {
    const schema = intParam(1);
    expect(schema.parse("42")).toBe(42);
    expect(schema.parse(String(PG_INT_MAX))).toBe(PG_INT_MAX);
    for (const bad of ["99999999999999", String(PG_INT_MAX + 1), "1e309", "-1", "0", "1.5", "abc", ""])
      expect(schema.safeParse(bad).success, bad).toBe(false);
  });
});
