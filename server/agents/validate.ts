import { suggest } from "../lib/suggest";
import { problem, START, type Problem } from "../documents/problems";
import { isTable, locate, readDocument } from "../documents/read";
import { schemaProblems, tableLabel } from "../documents/schema-problems";
import { formatPath, positionOf, type PathSegment, type Position, type SourceMap } from "../documents/source-map";
import { parseScriptPlaceholder, SCRIPT_PLACEHOLDER, SCRIPT_PLACEHOLDER_FORMS, stringsIn } from "./mock-script";
import {
  agentConfigSchema,
  agentTables,
  knownKeys,
  mockScriptEntryKeys,
  PROMPT_PLACEHOLDERS,
  topLevelValueKeys,
  type AgentConfig,
  type AgentTable,
} from "./schema";

export { MAX_NESTING, problemCodes, problemSchema, type Problem, type ProblemCode } from "../documents/problems";

/**
 * Validation that teaches: every problem of an agent document, each with a code, the field,
 * the line and column it is at, and what to write instead. Pure (no I/O), so the server,
 * the CLI (offline) and the editor's live markers share it. Never throws.
 */

export const MAX_AGENT_BYTES = 256 * 1024;

export type ValidationResult =
  { ok: true; config: AgentConfig; problems: Problem[] } | { ok: false; config?: undefined; problems: Problem[] };

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
const tableOfKey = (key: string): AgentTable | undefined =>
  agentTables.find((table) => (knownKeys[table] as readonly string[]).includes(key));

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
      problems.push(
        problem(
          "unknown_key",
          field,
          `Unknown key \`${key}\` ${where}.${suggestions.length && !home ? ` Did you mean \`${suggest(key, known)[0]}\`?` : ""}`,
          at,
          suggestions,
        ),
      );
    }
  };

  check("", data, []);
  for (const table of agentTables) {
    const value = data[table];
    if (table === "tests") {
      if (Array.isArray(value)) value.forEach((item, index) => isTable(item) && check("tests", item, ["tests", index]));
    } else if (isTable(value)) check(table, value, [table]);
  }
  // `[[llm.script]]` entries: the schema's own unknown-key issues are skipped above.
  const script = isTable(data.llm) ? data.llm.script : undefined;
  if (Array.isArray(script)) {
    script.forEach((entry, index) => {
      if (!isTable(entry)) return;
      for (const key of Object.keys(entry)) {
        if (mockScriptEntryKeys.includes(key)) continue;
        const suggestions = suggest(key, mockScriptEntryKeys);
        const path = ["llm", "script", index, key];
        problems.push(
          problem(
            "unknown_key",
            formatPath(path),
            `Unknown key \`${key}\` in [[llm.script]] entry ${index + 1}.${suggestions.length ? ` Did you mean \`${suggestions[0]}\`?` : ""}`,
            locate(map(), path, "key"),
            suggestions.length ? suggestions : [...mockScriptEntryKeys],
          ),
        );
      }
    });
  }
  return explained;
}

/** Rules across fields: the kind of agent, its prompt, repeated capabilities. */
function ruleProblems(data: Record<string, unknown>, text: string, map: () => SourceMap, explained: Set<string>, problems: Problem[]) {
  const hasLlm = "llm" in data;
  const hasHandler = "handler" in data;
  if (hasLlm && hasHandler) {
    problems.push(
      problem(
        "agent_kind",
        "handler",
        "An agent has either [llm] (it thinks with a model) or [handler] (it runs one tool), not both.",
        locate(map(), ["handler"], "key"),
        ["Remove [handler] for an LLM agent, or [llm] for a tool agent."],
      ),
    );
  } else if (!hasLlm && !hasHandler) {
    problems.push(
      problem("agent_kind", "", "This agent has neither [llm] nor [handler], so it cannot answer anything.", START, [
        'Add [llm] with provider and model (and a system_prompt), or [handler] with tool = "..." for a tool agent.',
      ]),
    );
  }
  if (hasLlm && data.system_prompt === undefined && !explained.has("system_prompt")) {
    problems.push(
      problem("missing_field", "system_prompt", "LLM agents need a `system_prompt`.", START, [
        'Add system_prompt = """...""" before the first table header.',
      ]),
    );
  }
  if (hasHandler && !hasLlm) {
    for (const key of ["system_prompt", "user_prompt_template"] as const) {
      if (data[key] !== undefined) {
        problems.push(
          problem(
            "unused_field",
            key,
            `\`${key}\` has no effect on a tool agent ([handler]); it has no model to prompt.`,
            locate(map(), [key], "key"),
            [`Remove \`${key}\`, or use [llm] instead of [handler].`],
            "warning",
          ),
        );
      }
    }
  }
  const template = data.user_prompt_template;
  if (typeof template === "string") {
    for (const match of template.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
      const placeholder = match[1]!;
      if ((PROMPT_PLACEHOLDERS as readonly string[]).includes(placeholder)) continue;
      const at = placeholderAt(text, map, ["user_prompt_template"], match[0]);
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
  scriptProblems(data, text, map, problems);
  for (const list of ["capabilities", "tools"] as const) {
    const values = data[list];
    if (!Array.isArray(values)) continue;
    values.forEach((value, index) => {
      if (values.indexOf(value) !== index) {
        problems.push(
          problem(
            "duplicate_value",
            `${list}[${index}]`,
            `${JSON.stringify(value)} appears twice in \`${list}\`.`,
            locate(map(), [list, index]),
            [`Remove the second ${JSON.stringify(value)}.`],
          ),
        );
      }
    });
  }
}

/** Where a placeholder is written: inside the value at `path`, else the value itself. */
function placeholderAt(text: string, map: () => SourceMap, path: PathSegment[], placeholder: string): Position {
  const valueAt = map().entries.get(formatPath(path))?.value;
  const found = text.indexOf(placeholder, valueAt ? offsetOf(text, valueAt) : 0);
  return found >= 0 ? positionOf(text, found) : (valueAt ?? locate(map(), path));
}

/**
 * The mock provider's script: only under provider = "mock", each entry a call or a reply,
 * calls of known tools, placeholders the provider fills (a `{{result.N}}` only after N calls).
 */
function scriptProblems(data: Record<string, unknown>, text: string, map: () => SourceMap, problems: Problem[]) {
  const llm = data.llm;
  if (!isTable(llm) || !Array.isArray(llm.script)) return;
  if (typeof llm.provider === "string" && llm.provider !== "mock") {
    problems.push(
      problem(
        "invalid_value",
        "llm.script",
        `[[llm.script]] only works with provider = "mock"; with provider = "${llm.provider}" a real model answers and the script would be ignored.`,
        locate(map(), ["llm", "script", 0], "key"),
        ['Set provider = "mock" to run the script.', "Remove the [[llm.script]] tables to use the real model."],
      ),
    );
  }
  const tools = Array.isArray(data.tools) ? data.tools.filter((t): t is string => typeof t === "string") : [];
  let calls = 0;
  let replyAt: number | undefined;
  llm.script.forEach((entry, index) => {
    if (!isTable(entry)) return;
    const path: PathSegment[] = ["llm", "script", index];
    const field = formatPath(path);
    const label = `[[llm.script]] entry ${index + 1}`;
    if (replyAt !== undefined) {
      problems.push(
        problem(
          "unused_field",
          field,
          `${label} comes after the reply of entry ${replyAt + 1}, which ends the turn; it is never used.`,
          locate(map(), path, "key"),
          ["Remove it, or move the reply to the end."],
          "warning",
        ),
      );
    }
    const hasCall = entry.call !== undefined;
    const hasReply = entry.reply !== undefined;
    if (hasCall === hasReply) {
      problems.push(
        problem(
          hasCall ? "invalid_value" : "missing_field",
          field,
          `${label} needs either \`call\` (a tool call) or \`reply\` (the final answer)${hasCall ? ", not both" : ""}.`,
          locate(map(), path, "key"),
          ['call = "ask" with input = { capability = "...", request = "{{request}}" }', 'reply = "..."'],
        ),
      );
    }
    if (hasReply && !hasCall && entry.input !== undefined) {
      problems.push(
        problem(
          "unused_field",
          `${field}.input`,
          `\`input\` has no effect on a reply; only calls take input.`,
          locate(map(), [...path, "input"], "key"),
          ["Remove `input`, or write `call` instead of `reply`."],
          "warning",
        ),
      );
    }
    if (typeof entry.call === "string" && entry.call !== "ask" && !tools.includes(entry.call)) {
      const known = ["ask", ...tools];
      const close = suggest(entry.call, known);
      problems.push(
        problem(
          "invalid_value",
          `${field}.call`,
          `${label} calls "${entry.call}", which is neither \`ask\` nor one of this agent's \`tools\` (${tools.length ? tools.join(", ") : "none"}).${close.length ? ` Did you mean "${close[0]}"?` : ""}`,
          locate(map(), [...path, "call"]),
          close.length ? close : [`Add "${entry.call}" to \`tools\`.`],
        ),
      );
    }
    const strings = [
      ...(typeof entry.reply === "string" ? [{ path: [...path, "reply"], text: entry.reply }] : []),
      ...stringsIn(entry.input).map((s) => ({ path: [...path, "input", ...s.path], text: s.text })),
    ];
    for (const { path: at, text: value } of strings) {
      for (const match of value.matchAll(SCRIPT_PLACEHOLDER)) {
        const placeholder = parseScriptPlaceholder(match[1]!);
        if (placeholder && (placeholder.kind === "request" || placeholder.call <= calls)) continue;
        const where = placeholderAt(text, map, at, match[0]);
        if (placeholder?.kind === "result") {
          const earlier = calls ? `\`{{result.1}}\` to \`{{result.${calls}}}\`` : "only `{{request}}`";
          problems.push(
            problem(
              "unknown_placeholder",
              formatPath(at),
              `\`${match[0]}\` is the result of call ${placeholder.call}, but only ${calls} call${calls === 1 ? "" : "s"} come${calls === 1 ? "s" : ""} before ${label}; it may use ${earlier}.`,
              where,
              calls ? [`{{result.${calls}}}`] : ["{{request}}"],
            ),
          );
          continue;
        }
        const close = suggest(match[1]!, SCRIPT_PLACEHOLDER_FORMS);
        problems.push(
          problem(
            "unknown_placeholder",
            formatPath(at),
            `\`${match[0]}\` is not a placeholder the mock fills; it may use \`{{request}}\`, \`{{result.N}}\` and \`{{result.N.field}}\`.${close.length ? ` Did you mean \`{{${close[0]}}}\`?` : ""}`,
            where,
            (close.length ? close : SCRIPT_PLACEHOLDER_FORMS).map((p) => `{{${p}}}`),
          ),
        );
      }
    }
    if (hasCall) calls++;
    if (hasReply && replyAt === undefined) replyAt = index;
  });
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
