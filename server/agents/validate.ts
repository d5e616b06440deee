import { parse as parseToml, TomlError } from "smol-toml";
import type { z } from "zod";
import { suggest } from "../lib/suggest";
import { agentConfigSchema, agentTables, knownKeys, PROMPT_PLACEHOLDERS, topLevelValueKeys, type AgentConfig, type AgentTable } from "./schema";
import { decodeUtf8, firstLoneSurrogate, utf8Length } from "./encoding";
import { MAX_AGENT_BYTES, MAX_NESTING, problem, START, type Problem } from "./problems";
import { formatPath, mapSource, positionOf, type PathSegment, type Position, type SourceMap } from "./source-map";

export { MAX_AGENT_BYTES, MAX_NESTING, problemCodes, problemSchema, type Problem, type ProblemCode } from "./problems";

/**
 * Validation that teaches: every problem of an agent document, each with a code, the field,
 * the line and column it is at, and what to write instead. Pure (no I/O), so the server,
 * the CLI (offline) and the editor's live markers share it. Never throws.
 */


export type ValidationResult = { ok: true; config: AgentConfig; problems: Problem[] } | { ok: false; config?: undefined; problems: Problem[] };

const failed = (...problems: Problem[]): ValidationResult => ({ ok: false, problems });

/** Validates an agent document given as text or as raw bytes (which must be UTF-8). */
export function validateAgentSource(input: string | Uint8Array): ValidationResult {
  let text: string;
  if (typeof input === "string") {
    if (utf8Length(input) > MAX_AGENT_BYTES) return failed(tooLarge(utf8Length(input)));
    const bad = firstLoneSurrogate(input);
    if (bad >= 0) return failed(problem("invalid_encoding", "", "The document contains an unpaired surrogate, which is not valid Unicode text.", positionOf(input, bad), [], "error"));
    text = input;
  } else {
    if (input.length > MAX_AGENT_BYTES) return failed(tooLarge(input.length));
    const decoded = decodeUtf8(input);
    if (typeof decoded !== "string") return failed(decoded);
    text = decoded;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  let data: Record<string, unknown>;
  try {
    data = parseToml(text, { maxDepth: MAX_NESTING * 4 }) as Record<string, unknown>;
  } catch (error) {
    return failed(syntaxProblem(error));
  }

  const map = lazyMap(text);
  const problems: Problem[] = [];
  const deepest = deepestPath(data);
  if (deepest.length > MAX_NESTING) {
    const field = formatPath(deepest.slice(0, MAX_NESTING + 1));
    problems.push(problem("nesting_too_deep", field, `\`${field}\` is nested more than ${MAX_NESTING} levels deep; agent documents allow at most ${MAX_NESTING}.`, locate(map(), deepest.slice(0, MAX_NESTING + 1))));
    return failed(...problems);
  }

  const explained = keyProblems(data, map, problems);
  const result = agentConfigSchema.safeParse(data, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") continue; // reported by keyProblems with suggestions
      const field = formatPath(issue.path as PathSegment[]);
      if (explained.has(field)) continue; // a misplaced or misspelled key already explains it
      problems.push(issueProblem(issue, map()));
    }
  }
  ruleProblems(data, text, map, explained, problems);

  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  const ok = result.success && !problems.some((p) => p.severity === "error");
  return ok ? { ok: true, config: result.data, problems } : { ok: false, problems };
}

/** The source map is built only when a problem needs placing. */
function lazyMap(text: string): () => SourceMap {
  let built: SourceMap | undefined;
  return () => (built ??= mapSource(text));
}

/** The position of a path, or of its nearest ancestor that is written in the document. */
function locate(map: SourceMap, path: readonly PathSegment[], part: "key" | "value" = "value"): Position {
  for (let length = path.length; length > 0; length--) {
    const entry = map.entries.get(formatPath(path.slice(0, length)));
    if (entry) return length === path.length ? entry[part] : entry.key;
  }
  return START;
}

function tooLarge(bytes: number): Problem {
  return problem("document_too_large", "", `The document is ${(bytes / 1024).toFixed(1)} KiB; agent documents may be at most ${MAX_AGENT_BYTES / 1024} KiB.`, START, [
    "Move long prompts or reference material into tools or memory.",
  ]);
}

function syntaxProblem(error: unknown): Problem {
  if (error instanceof TomlError) {
    const reason = error.message.split("\n")[0]!.replace(/^Invalid TOML document:\s*/, "");
    if (/excessively nested/.test(reason)) {
      return problem("nesting_too_deep", "", `Tables and arrays are nested too deeply; agent documents allow at most ${MAX_NESTING} levels.`, { line: error.line, column: error.column });
    }
    return problem("syntax_error", "", `TOML syntax error: ${reason}.`, { line: error.line, column: error.column }, syntaxHints(reason));
  }
  return problem("syntax_error", "", `TOML syntax error: ${(error as Error)?.message ?? String(error)}.`, START);
}

function syntaxHints(reason: string): string[] {
  if (/redefine/.test(reason)) return ["Each key and table may be defined once; remove or merge the repeated one."];
  if (/control characters|string/.test(reason)) return ['Close the string with its quote; for text over several lines use """triple quotes""".'];
  if (/invalid value/.test(reason)) return ['Strings need quotes: key = "value".'];
  return [];
}

/** The longest path of nested tables and arrays. */
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

const isTable = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** How a table is named to a person: `[llm]`, or `[[tests]] #2` for an array of tables. */
const tableLabel = (path: readonly PathSegment[]): string => {
  const last = path.at(-1);
  return typeof last === "number" ? `[[${formatPath(path.slice(0, -1))}]] #${last + 1}` : `[${formatPath(path)}]`;
};

/** Which table a stray key belongs to, if any ("model" → "llm"). */
const tableOfKey = (key: string): AgentTable | undefined => agentTables.find((table) => (knownKeys[table] as readonly string[]).includes(key));

/**
 * Unknown keys, with "did you mean", and the header trap. Returns the fields these problems
 * already explain: the paths the trap moved (`llm.system_prompt`), the top-level fields it
 * emptied (`system_prompt`), and absent fields a misspelling was surely meant to be
 * (`capabilities` for `capabilitees`), so the schema's "is required" is not said as well.
 */
function keyProblems(data: Record<string, unknown>, map: () => SourceMap, problems: Problem[]): Set<string> {
  const explained = new Set<string>();
  const firstHeader = () => map().headers[0];

  const check = (table: AgentTable | "", value: Record<string, unknown>, path: PathSegment[]) => {
    const known = knownKeys[table] as readonly string[];
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const keyPath = [...path, key];
      const field = formatPath(keyPath);
      const at = locate(map(), keyPath, "key");
      const misplaced = table !== "" && topLevelValueKeys.includes(key) && !(key in data);
      if (misplaced) {
        explained.add(field).add(key);
        const header = firstHeader();
        problems.push(
          problem(
            "misplaced_key",
            field,
            `\`${key}\` is a top-level key, but it comes after the ${tableLabel(path)} header, so TOML put it inside ${tableLabel(path)}.`,
            at,
            [`Move \`${key}\` above the first table header${header ? ` ([${header.path}] on line ${header.position.line})` : ""}.`],
          ),
        );
        continue;
      }
      const suggestions = suggest(key, known);
      const meant = suggestions[0];
      if (meant && !(meant in value)) explained.add(formatPath([...path, meant]));
      const home = table === "" ? tableOfKey(key) : undefined;
      if (home) suggestions.unshift(`Put \`${key}\` under the [${home}] table.`);
      const where = table === "" ? "at the top level" : `in ${tableLabel(path)}`;
      problems.push(problem("unknown_key", field, `Unknown key \`${key}\` ${where}.${suggestions.length && !home ? ` Did you mean \`${suggest(key, known)[0]}\`?` : ""}`, at, suggestions));
    }
  };

  check("", data, []);
  for (const table of agentTables) {
    const value = data[table];
    if (table === "tests") {
      if (Array.isArray(value)) value.forEach((item, index) => isTable(item) && check("tests", item, ["tests", index]));
    } else if (isTable(value)) check(table, value, [table]);
  }
  return explained;
}

const describeType = (value: unknown): string => {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date-time";
  if (isTable(value)) return "a table";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a float";
  return `a ${typeof value}`;
};

const expectedType: Record<string, string> = { string: "a string", number: "a number", int: "an integer", boolean: "a boolean (true or false)", array: "an array", object: "a table" };

function issueProblem(issue: z.core.$ZodIssue, map: SourceMap): Problem {
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
        return problem("missing_field", field, `${name} is required.`, where, [`Add ${path.at(-1)} = ... ${parent.length ? `under ${tableLabel(parent)}` : "before the first table header"}.`]);
      }
      const expected = expectedType[issue.expected] ?? issue.expected;
      return problem("invalid_type", field, `${name} must be ${expected}, not ${describeType(input)}.`, at, issue.expected === "string" ? [`Quote the value: ${path.at(-1)} = "..."`] : []);
    }
    case "invalid_value": {
      const allowed = issue.values.map(String);
      const suggestions = typeof input === "string" ? suggest(input, allowed) : [];
      return problem("invalid_value", field, `${name} must be one of ${allowed.map((v) => `"${v}"`).join(", ")}; got ${JSON.stringify(input)}.`, at, suggestions.length ? suggestions : allowed);
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
      return problem("invalid_value", field, `${detail.replace(/\.$/, "")}${input !== undefined && issue.origin !== "array" && issue.origin !== "string" ? `; got ${JSON.stringify(input)}` : ""}.`, at);
    }
    case "invalid_format": {
      const detail = issue.format === "url" ? `${name} must be an http:// or https:// URL` : issue.message.replace(/\.$/, "");
      return problem("invalid_value", field, `${detail}; got ${JSON.stringify(input)}.`, at);
    }
    default:
      return problem("invalid_value", field, `${name}: ${issue.message}.`, at);
  }
}

/** Rules across fields: the kind of agent, its prompt, repeated capabilities. */
function ruleProblems(data: Record<string, unknown>, text: string, map: () => SourceMap, explained: Set<string>, problems: Problem[]) {
  const hasLlm = "llm" in data;
  const hasHandler = "handler" in data;
  if (hasLlm && hasHandler) {
    problems.push(problem("agent_kind", "handler", "An agent has either [llm] (it thinks with a model) or [handler] (it runs one tool), not both.", locate(map(), ["handler"], "key"), ["Remove [handler] for an LLM agent, or [llm] for a tool agent."]));
  } else if (!hasLlm && !hasHandler) {
    problems.push(problem("agent_kind", "", "This agent has neither [llm] nor [handler], so it cannot answer anything.", START, ['Add [llm] with provider and model (and a system_prompt), or [handler] with tool = "..." for a tool agent.']));
  }
  if (hasLlm && data.system_prompt === undefined && !explained.has("system_prompt")) {
    problems.push(problem("missing_field", "system_prompt", "LLM agents need a `system_prompt`.", START, ['Add system_prompt = """...""" before the first table header.']));
  }
  if (hasHandler && !hasLlm) {
    for (const key of ["system_prompt", "user_prompt_template"] as const) {
      if (data[key] !== undefined) {
        problems.push(problem("unused_field", key, `\`${key}\` has no effect on a tool agent ([handler]); it has no model to prompt.`, locate(map(), [key], "key"), [`Remove \`${key}\`, or use [llm] instead of [handler].`], "warning"));
      }
    }
  }
  const template = data.user_prompt_template;
  if (typeof template === "string") {
    const valueAt = map().entries.get("user_prompt_template")?.value;
    const from = valueAt ? offsetOf(text, valueAt) : 0;
    for (const match of template.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
      const placeholder = match[1]!;
      if ((PROMPT_PLACEHOLDERS as readonly string[]).includes(placeholder)) continue;
      const found = text.indexOf(match[0], from);
      const at = found >= 0 ? positionOf(text, found) : (valueAt ?? START);
      const close = suggest(placeholder, PROMPT_PLACEHOLDERS);
      problems.push(
        problem(
          "unknown_placeholder",
          "user_prompt_template",
          `\`{{${placeholder}}}\` is not a placeholder the runtime fills; it would reach the model as written.${close.length ? ` Did you mean \`{{${close[0]}}}\`?` : ""}`,
          at,
          (close.length ? close : PROMPT_PLACEHOLDERS).map((p) => `{{${p}}}`),
        ),
      );
    }
  }
  for (const list of ["capabilities", "tools"] as const) {
    const values = data[list];
    if (!Array.isArray(values)) continue;
    values.forEach((value, index) => {
      if (values.indexOf(value) !== index) {
        problems.push(problem("duplicate_value", `${list}[${index}]`, `${JSON.stringify(value)} appears twice in \`${list}\`.`, locate(map(), [list, index]), [`Remove the second ${JSON.stringify(value)}.`]));
      }
    });
  }
}

function offsetOf(text: string, position: Position): number {
  let line = 1;
  let offset = 0;
  while (line < position.line) {
    const next = text.indexOf("\n", offset);
    if (next < 0) break;
    offset = next + 1;
    line++;
  }
  return offset + position.column - 1;
}

