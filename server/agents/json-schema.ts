import { z } from "zod";
import { agentConfigSchema } from "./schema";
import { problemCodes } from "./validate";

/**
 * The agent schema as JSON Schema (served at /api/v1/schemas/agent.json, for editors and
 * other tools) and docs/agent-config.md rendered from it, so the schema in schema.ts stays
 * the one place a field is described.
 */

export type JsonSchema = z.core.JSONSchema.JSONSchema;

export const AGENT_SCHEMA_ID = "/api/v1/schemas/agent.json";

let memo: JsonSchema | undefined;

/** The JSON Schema of an agent document as written: fields with defaults are optional. */
export function agentJsonSchema(): JsonSchema {
  if (!memo) {
    const { $schema, ...rest } = z.toJSONSchema(agentConfigSchema, { io: "input", target: "draft-2020-12" });
    memo = { $schema, $id: AGENT_SCHEMA_ID, ...rest };
  }
  return memo;
}

/** The example agent of the docs; they show it and a test holds it valid. */
export const exampleAgent = `name = "summarizer"
version = "1.2.0"
description = "Summarizes documents in three bullets."
capabilities = ["summarize"]
tools = ["word-count"]
system_prompt = """You summarize text in three bullet points."""

[llm]
provider = "openai"      # openai-compatible | anthropic | mock
model = "gpt-4o-mini"
temperature = 0.2
`;

const sections: { key: string; heading: string }[] = [
  { key: "llm", heading: "[llm]" },
  { key: "llm.script", heading: "[[llm.script]]" },
  { key: "handler", heading: "[handler]" },
  { key: "routing", heading: "[routing]" },
  { key: "limits", heading: "[limits]" },
  { key: "memory", heading: "[memory]" },
  { key: "tests", heading: "[[tests]]" },
];

const asSchema = (value: unknown): JsonSchema => (typeof value === "object" && value !== null ? (value as JsonSchema) : {});

/** A value as TOML, as far as the examples need: strings, numbers, booleans, arrays. */
function toToml(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(toToml).join(", ")}]`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object" && value !== null)
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k} = ${toToml(v)}`)
      .join(", ")} }`;
  return String(value);
}

/** Markdown table cells may not hold a bare pipe or a line break. */
const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
const code = (text: string) => `\`${text}\``;

function typeOf(schema: JsonSchema): string {
  if (schema.type === "array") {
    const items = asSchema(schema.items);
    return items.type === "object" ? "array of tables" : `array of ${typeOf(items)}s`;
  }
  if (schema.type === "object") return "table";
  return String(schema.type ?? "any");
}

const range = (low: number | undefined, high: number | undefined, unit = "") =>
  low !== undefined && high !== undefined
    ? `${low} to ${high}${unit}`
    : low !== undefined
      ? `at least ${low}${unit}`
      : high !== undefined
        ? `at most ${high}${unit}`
        : undefined;

/** The rules a value must follow, in words: allowed values, pattern, range, length. */
function rulesOf(schema: JsonSchema): string[] {
  const rules: string[] = [];
  if (schema.enum) rules.push(`Allowed values: ${schema.enum.map((v) => code(String(v))).join(", ")}.`);
  if (schema.pattern) rules.push(`Pattern: ${code(schema.pattern)}.`);
  if (schema.format === "uri") rules.push("An http:// or https:// URL.");
  const numbers = range(schema.minimum, schema.maximum);
  if (numbers) rules.push(`Range: ${numbers}.`);
  if (schema.minLength === 1 && schema.maxLength === undefined) rules.push("Must not be empty.");
  else {
    const length = range(schema.minLength, schema.maxLength, " characters");
    if (length) rules.push(`Length: ${length}.`);
  }
  const count = range(schema.minItems, schema.maxItems);
  if (count) rules.push(`Entries: ${count}.`);
  const items = asSchema(schema.items);
  if (schema.type === "array" && items.type !== "object") {
    const each = rulesOf(items).map((rule) => rule.replace(/\.$/, "").replace(/^./, (first) => first.toLowerCase()));
    if (each.length) rules.push(`Each entry: ${each.join("; ")}.`);
  }
  return rules;
}

/** Required in some agents only, which JSON Schema's `required` cannot say. */
const requiredWhen: Record<string, string> = { system_prompt: "LLM agents" };

function keyTable(schema: JsonSchema, skip: readonly string[] = []): string {
  const required = schema.required ?? [];
  const rows = Object.entries(schema.properties ?? {})
    .filter(([key]) => !skip.includes(key))
    .map(([key, value]) => {
      const field = asSchema(value);
      const example = field.examples?.[0];
      const defaultValue = field.default === undefined ? "" : code(toToml(field.default));
      const description = [field.description ?? "", ...rulesOf(field)].filter(Boolean).join(" ");
      return `| ${code(key)} | ${typeOf(field)} | ${required.includes(key) ? "yes" : (requiredWhen[key] ?? "no")} | ${cell(defaultValue)} | ${cell(description)} | ${example === undefined ? "" : cell(code(toToml(example)))} |`;
    });
  return ["| Key | Type | Required | Default | Description | Example |", "| --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}

/** docs/agent-config.md: every key of an agent document, its rules, and the problem codes. */
export function renderAgentConfigDoc(): string {
  const schema = agentJsonSchema();
  const properties = schema.properties ?? {};
  const out: string[] = [
    "<!-- Generated from server/agents/schema.ts by scripts/agent-docs.ts. Do not edit by hand: run `npm run docs:agents`. -->",
    "",
    "# Agent configuration",
    "",
    `${schema.description ?? ""}`,
    "",
    "An agent is a TOML document. Validation reports every problem with its line, column, field and suggestions; " +
      `the same rules are published as JSON Schema at ${code(AGENT_SCHEMA_ID)} for editors. An agent is either an LLM agent ` +
      `(top-level ${code("system_prompt")} plus ${code("[llm]")}) or a tool agent (${code("[handler]")}), never both.`,
    "",
    "## Example",
    "",
    "```toml",
    exampleAgent.trimEnd(),
    "```",
    "",
    "## Top level",
    "",
    `Write these keys before the first table header. The tables ${sections.map((s) => code(s.heading)).join(", ")} are described below.`,
    "",
    keyTable(
      schema,
      sections.map((s) => s.key),
    ),
    "",
  ];
  for (const { key, heading } of sections) {
    // A nested table (`llm.script`) is found through its parent's properties.
    const field = key.split(".").reduce<JsonSchema>((parent, part) => asSchema(parent.properties?.[part]), { properties });
    const table = field.type === "array" ? asSchema(field.items) : field;
    out.push(
      `## ${code(heading)}`,
      "",
      [field.description ?? table.description ?? "", table.description && table.description !== field.description ? table.description : ""]
        .filter(Boolean)
        .join(" "),
      "",
    );
    if (field.type === "array") out.push(`Write one ${code(heading)} table per entry. ${rulesOf(field).join(" ")}`.trimEnd(), "");
    out.push(keyTable(table), "");
  }
  out.push(
    "## The header trap",
    "",
    `In TOML every key after a table header belongs to that table, until the next header. A top-level key written after ${code("[llm]")} silently becomes ${code("llm.<key>")}:`,
    "",
    "```toml",
    "[llm]",
    'provider = "openai"',
    'model = "gpt-4o-mini"',
    'system_prompt = "You summarize."   # this is llm.system_prompt, not system_prompt',
    "```",
    "",
    `Validation reports it as ${code("misplaced_key")} on the line of the key, with a suggestion naming the line of the first header, ` +
      `and does not add a second complaint that ${code("system_prompt")} is missing. Move every top-level key above the first header.`,
    "",
    "## Problem codes",
    "",
    "Every problem has a severity (`error` or `warning`; only errors make a document invalid), a code, the field, a message, the line and column, and suggestions.",
    "",
    "| Code | Meaning |",
    "| --- | --- |",
    ...Object.entries(problemCodes).map(([name, meaning]) => `| ${code(name)} | ${cell(meaning)} |`),
    "",
  );
  return out.join("\n");
}
