import { describe, expect, it } from "vitest";
import { fieldsOf, inputOf, valuesOf } from "../app/w/[slug]/tools/[name]/input-fields";
import { uploadProblemLines } from "../app/w/[slug]/tools/upload-problems";

// The Run form's schema → fields → input round trip, for every kind of control.
const schema = {
  type: "object",
  properties: {
    csv: { type: "string" },
    delimiter: { type: "string" },
    limit: { type: "integer" },
    ratio: { type: "number" },
    header: { type: "boolean", default: true },
    strict: { type: "boolean" },
    separator: { type: "string", enum: ["-", "_"], default: "_" },
    mode: { enum: [1, "two"] },
    tags: { type: "array", items: { type: "string" } },
    note: { type: ["string", "null"] },
  },
  required: ["csv", "limit"],
};

describe("Run form fields from an inputSchema", () => {
  const fields = fieldsOf(schema);

  it("picks a control per property type and marks required ones", () => {
    expect(Object.fromEntries(fields.map((f) => [f.name, f.control]))).toEqual({
      csv: "textarea",
      delimiter: "text",
      limit: "integer",
      ratio: "number",
      header: "boolean",
      strict: "boolean",
      separator: "enum",
      mode: "enum",
      tags: "json",
      note: "text",
    });
    expect(fields.filter((f) => f.required).map((f) => f.name)).toEqual(["csv", "limit"]);
    expect(fieldsOf({ type: "object" })).toEqual([]);
  });

  it("starts from the defaults and leaves empty optional fields out", () => {
    const values = valuesOf(fields);
    expect(values).toMatchObject({ header: true, strict: false, separator: "1", mode: "" });
    expect(inputOf(fields, { ...values, csv: "a,b", limit: "5" })).toEqual({
      ok: true,
      input: { csv: "a,b", limit: 5, header: true, separator: "_" },
    });
  });

  it("says which field is wrong", () => {
    const built = inputOf(fields, { ...valuesOf(fields), limit: "2.5", ratio: "x", tags: "[1," });
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(built.errors).toMatchObject({ limit: "Enter a whole number.", ratio: "Enter a number." });
    expect(built.errors.tags).toMatch(/^Not valid JSON/);
    expect(built.errors.csv).toBeUndefined(); // an empty required string is still a string
  });

  it("round-trips an input through the form values (the raw JSON toggle)", () => {
    const input = { csv: "x", limit: 3, ratio: 0.5, header: false, strict: true, separator: "-", mode: 1, tags: ["a"], note: "n" };
    expect(inputOf(fields, valuesOf(fields, input))).toEqual({ ok: true, input });
  });
});

describe("upload problems from a refused upload", () => {
  it("lists manifest errors with line:col, then module problems", () => {
    const error = {
      data: {
        details: {
          problems: [
            { severity: "error", line: 9, column: 1, message: "Unknown key `timeoutMS`." },
            { severity: "warning", line: 2, column: 1, message: "ignored" },
          ],
          moduleProblems: [{ code: "js_missing_entry", message: 'no top-level function "spin"' }],
        },
      },
    };
    expect(uploadProblemLines(error)).toEqual([
      { where: "manifest 9:1", message: "Unknown key `timeoutMS`." },
      { where: "module:", message: 'no top-level function "spin"' },
    ]);
    expect(uploadProblemLines({ data: {} })).toEqual([]);
    expect(uploadProblemLines(null)).toEqual([]);
  });
});
