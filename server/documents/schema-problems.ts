import type { z } from "zod";
import { suggest } from "../lib/suggest";
import { problem, START, type Problem } from "./problems";
import { locate } from "./read";
import { formatPath, type PathSegment, type SourceMap } from "./source-map";

/** A zod issue of a document's schema, as a problem placed at its line and column. */

const describeType = (value: unknown): string => {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date-time";
  if (typeof value === "object" && value !== null) return "a table";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a float";
  return `a ${typeof value}`;
};

const expectedType: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean (true or false)",
  array: "an array",
  object: "a table",
};

/** How a table is named to a person: `[llm]`, or `[[tests]] #2` for an array of tables. */
export const tableLabel = (path: readonly PathSegment[]): string => {
  const last = path.at(-1);
  return typeof last === "number" ? `[[${formatPath(path.slice(0, -1))}]] #${last + 1}` : `[${formatPath(path)}]`;
};

export function issueProblem(issue: z.core.$ZodIssue, map: SourceMap): Problem {
  const path = issue.path as PathSegment[];
  const field = formatPath(path);
  const name = `\`${field || "document"}\``;
  const input = (issue as { input?: unknown }).input;
  const at = locate(map, path);
  switch (issue.code) {
    case "invalid_type": {
      if (input === undefined) {
        const parent = path.slice(0, -1);
        const where = parent.length ? locate(map, parent, "key") : START;
        return problem("missing_field", field, `${name} is required.`, where, [
          `Add ${path.at(-1)} = ... ${parent.length ? `under ${tableLabel(parent)}` : "before the first table header"}.`,
        ]);
      }
      const expected = expectedType[issue.expected] ?? issue.expected;
      return problem(
        "invalid_type",
        field,
        `${name} must be ${expected}, not ${describeType(input)}.`,
        at,
        issue.expected === "string" ? [`Quote the value: ${path.at(-1)} = "..."`] : [],
      );
    }
    case "invalid_value": {
      const allowed = issue.values.map(String);
      const suggestions = typeof input === "string" ? suggest(input, allowed) : [];
      return problem(
        "invalid_value",
        field,
        `${name} must be one of ${allowed.map((v) => `"${v}"`).join(", ")}; got ${JSON.stringify(input)}.`,
        at,
        suggestions.length ? suggestions : allowed,
      );
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? "at least" : "at most";
      const limit = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const custom = issue.message && !/^Too (small|big)/.test(issue.message) ? issue.message : undefined;
      const detail =
        custom ??
        (issue.origin === "string"
          ? Number(limit) === 1 && issue.code === "too_small"
            ? `${name} must not be empty`
            : `${name} must be ${bound} ${limit} characters long`
          : issue.origin === "array"
            ? `${name} must have ${bound} ${limit} entries`
            : `${name} must be ${bound} ${limit}`);
      return problem(
        "invalid_value",
        field,
        `${detail.replace(/\.$/, "")}${input !== undefined && issue.origin !== "array" && issue.origin !== "string" ? `; got ${JSON.stringify(input)}` : ""}.`,
        at,
      );
    }
    case "invalid_format": {
      const detail = issue.format === "url" ? `${name} must be an http:// or https:// URL` : issue.message.replace(/\.$/, "");
      return problem("invalid_value", field, `${detail}; got ${JSON.stringify(input)}.`, at);
    }
    default:
      return problem("invalid_value", field, `${name}: ${issue.message}.`, at);
  }
}

/** Unknown keys, one problem each, with the closest known keys of their table. */
function unknownKeyProblems(issue: z.core.$ZodIssue & { code: "unrecognized_keys" }, map: SourceMap, known: readonly string[]): Problem[] {
  const path = issue.path as PathSegment[];
  return issue.keys.map((key) => {
    const keyPath = [...path, key];
    const suggestions = suggest(key, known);
    const where = path.length ? `in ${tableLabel(path)}` : "at the top level";
    return problem(
      "unknown_key",
      formatPath(keyPath),
      `Unknown key \`${key}\` ${where}.${suggestions.length ? ` Did you mean \`${suggestions[0]}\`?` : ""}`,
      locate(map, keyPath, "key"),
      suggestions,
    );
  });
}

export interface SchemaProblemOptions {
  /** Issues a caller has explained already (e.g. agents' header trap). */
  skip?: (issue: z.core.$ZodIssue, field: string) => boolean;
  /** The keys a table accepts, for "did you mean" on unknown ones. */
  knownKeys?: (path: readonly PathSegment[]) => readonly string[];
}

/** Every problem of `data` against `schema`, each placed at its line and column. */
export function schemaProblems<T>(schema: z.ZodType<T>, data: unknown, map: () => SourceMap, options: SchemaProblemOptions = {}) {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return { value: result.data, problems: [] as Problem[] };
  const problems = result.error.issues
    .filter((issue) => !options.skip?.(issue, formatPath(issue.path as PathSegment[])))
    .flatMap((issue) =>
      issue.code === "unrecognized_keys"
        ? unknownKeyProblems(issue, map(), options.knownKeys?.(issue.path as PathSegment[]) ?? [])
        : [issueProblem(issue, map())],
    );
  return { value: undefined, problems };
}
