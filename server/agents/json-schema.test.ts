import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { fromRoot } from "../platform/paths";
import { agentJsonSchema, exampleAgent, renderAgentConfigDoc, type JsonSchema } from "./json-schema";
import { agentConfigSchema, agentTables, knownKeys, llmProviders, topLevelValueKeys } from "./schema";
import { listTemplates, templatePreview } from "./templates";
import { problemCodes, validateAgentSource } from "./validate";

const schema = agentJsonSchema();
const sub = (value: unknown) => value as JsonSchema;

/**
 * A tiny structural JSON Schema check: type, enum, required and additionalProperties, through
 * properties and items. It ignores patterns and ranges, so the documents below differ from a
 * valid one only in structure.
 */
function conforms(node: JsonSchema, value: unknown): boolean {
  if (node.enum && !node.enum.includes(value as string)) return false;
  switch (node.type) {
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
      const record = value as Record<string, unknown>;
      if ((node.required ?? []).some((key) => !(key in record))) return false;
      return Object.entries(record).every(([key, item]) => {
        const property = node.properties?.[key];
        return property === undefined ? node.additionalProperties !== false : conforms(sub(property), item);
      });
    }
    case "array":
      return Array.isArray(value) && value.every((item) => conforms(sub(node.items), item));
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    default:
      return true;
  }
}

describe("agentJsonSchema", () => {
  it("is draft 2020-12 with its public id, and memoised", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe("/api/v1/schemas/agent.json");
    expect(agentJsonSchema()).toBe(schema);
  });

  it("requires what a writer must write, not what has a default", () => {
    expect(schema.required).toEqual(["name", "version", "description", "capabilities"]);
    expect(schema.additionalProperties).toBe(false);
    expect(sub(schema.properties?.routing).required ?? []).toEqual([]);
  });

  it("carries the name pattern and the provider enum", () => {
    expect(sub(schema.properties?.name).pattern).toBe("^[a-z][a-z0-9-]*[a-z0-9]$");
    const llm = sub(schema.properties?.llm);
    expect(sub(llm.properties?.provider).enum).toEqual([...llmProviders]);
    expect(llm.required).toEqual(["provider", "model"]);
  });

  const accepted: Record<string, string> = {
    example: exampleAgent,
    "tool agent":
      'name = "counter"\nversion = "0.1.0"\ndescription = "Counts."\ncapabilities = ["count"]\n[handler]\ntool = "word-count"\n',
    ...Object.fromEntries(listTemplates().map((t) => [`template ${t.id}`, templatePreview(t)])),
  };
  const rejected: Record<string, string> = {
    "missing capabilities": exampleAgent.replace('capabilities = ["summarize"]\n', ""),
    "capabilities as a string": exampleAgent.replace('["summarize"]', '"summarize"'),
    "unknown top-level key": exampleAgent.replace("tools =", "toolz ="),
    "unknown key in [llm]": `${exampleAgent}temprature = 0.3\n`,
    "llm without model": exampleAgent.replace('model = "gpt-4o-mini"\n', ""),
    "provider outside the enum": exampleAgent.replace('provider = "openai"', 'provider = "azure"'),
    "temperature as a string": exampleAgent.replace("temperature = 0.2", 'temperature = "low"'),
    "max_tokens as a float": `${exampleAgent}max_tokens = 1.5\n`,
    "a test without input": `${exampleAgent}[[tests]]\nname = "t"\n`,
    "tests as one table": `${exampleAgent}[tests]\nname = "t"\ninput = "x"\n`,
    "memory.enabled as a string": `${exampleAgent}[memory]\nenabled = "yes"\n`,
  };

  it.each(Object.entries(accepted))("accepts like agentConfigSchema: %s", (_name, text) => {
    const data = parseToml(text);
    expect(agentConfigSchema.safeParse(data).success).toBe(true);
    expect(conforms(schema, data)).toBe(true);
  });

  it.each(Object.entries(rejected))("rejects like agentConfigSchema: %s", (_name, text) => {
    const data = parseToml(text);
    expect(agentConfigSchema.safeParse(data).success).toBe(false);
    expect(conforms(schema, data)).toBe(false);
  });
});

describe("docs/agent-config.md", () => {
  const doc = renderAgentConfigDoc();

  it("is up to date", () => {
    const onDisk = readFileSync(fromRoot("docs", "agent-config.md"), "utf8");
    expect(onDisk === doc, "docs/agent-config.md is stale: run npm run docs:agents").toBe(true);
  });

  it("shows an example that validates with no problems", () => {
    expect(validateAgentSource(exampleAgent).problems).toEqual([]);
    expect(doc).toContain(exampleAgent.trimEnd());
  });

  it("describes every key of every table, and every problem code", () => {
    for (const heading of [
      "## Top level",
      "## `[llm]`",
      "## `[handler]`",
      "## `[routing]`",
      "## `[limits]`",
      "## `[memory]`",
      "## `[[tests]]`",
      "## The header trap",
    ])
      expect(doc).toContain(heading);
    const keys = [...topLevelValueKeys, ...agentTables.flatMap((table) => knownKeys[table])];
    for (const key of keys) expect(doc).toContain(`| \`${key}\` |`);
    for (const [code, meaning] of Object.entries(problemCodes))
      expect(doc).toContain(`| \`${code}\` | ${meaning.replaceAll("|", "\\|")} |`);
  });

  it("names the allowed values of enums", () => {
    expect(doc).toContain("Allowed values: `openai`, `anthropic`, `mock`.");
    expect(doc).toContain("Allowed values: `single`, `broadcast`, `round-robin`, `least-loaded`, `weighted`.");
  });

  it("says it is generated and how to regenerate it", () => {
    expect(doc.split("\n")[0]).toContain("run `npm run docs:agents`");
  });
});
