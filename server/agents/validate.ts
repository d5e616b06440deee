import { suggest } from "../lib/suggest";
import { problem, START, type Problem } from "../documents/problems";
import { isTable, locate, readDocument } from "../documents/read";
import { schemaProblems, tableLabel } from "../documents/schema-problems";
import { formatPath, positionOf, type PathSegment, type Position, type SourceMap } from "../documents/source-map";
import { agentConfigSchema, agentTables, knownKeys, PROMPT_PLACEHOLDERS, topLevelValueKeys, type AgentConfig, type AgentTable } from "./schema";

export { MAX_NESTING, problemCodes, problemSchema, type Problem, type ProblemCode } from "../documents/problems";

/**
 * Validation that teaches: every problem of an agent document, each with a code, the field,
 * the line and column it is at, and what to write instead. Pure (no I/O), so the server,
 * the CLI (offline) and the editor's live markers share it. Never throws.
 */

export const MAX_AGENT_BYTES = 256 * 1024;

export type ValidationResult = { ok: true; config: AgentConfig; problems: Problem[] } | { ok: false; config?: undefined; problems: Problem[] };

/** Validates an agent document given as text or as raw bytes (which must be UTF-8). */
export function validateAgentSource(input: string | Uint8Array): ValidationResult {
  const read = readDocument(input, {
    format: "toml",
    maxBytes: MAX_AGENT_BYTES,
    what: "agent documents",
    sizeHint: "Move long prompts or reference material into tools or memory.",
  });
  if (!read.ok) return { ok: false, problems: read.problems };
  const { text, data, map } = read;

  const problems: Problem[] = [];
  const explained = keyProblems(data, map, problems);
  const checked = schemaProblems(agentConfigSchema, data, map, {
    // Unknown keys are reported by keyProblems, with the header trap; a misplaced or
    // misspelled key already explains the field the schema finds missing.
    skip: (issue, field) => issue.code === "unrecognized_keys" || explained.has(field),
  });
  problems.push(...checked.problems);
  ruleProblems(data, text, map, explained, problems);

  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  const ok = checked.value !== undefined && !problems.some((p) => p.severity === "error");
  return ok ? { ok: true, config: checked.value!, problems } : { ok: false, problems };
}

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

