import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "../lib/errors";
import {
  escapeBasicString,
  fillPlaceholders,
  fillTemplate,
  fillTemplateSource,
  getTemplate,
  listTemplates,
  loadTemplates,
  templatePreview,
  type AgentTemplate,
} from "./templates";
import { validateAgentSource } from "./validate";

/** Every string anywhere in a parsed TOML value. */
function stringsOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsOf);
  return [];
}

function thrown(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

const templates = listTemplates();

describe("shipped templates", () => {
  it("are at least six, sorted by id, including the ones the docs promise", () => {
    const ids = templates.map((t) => t.id);
    expect(ids.length).toBeGreaterThanOrEqual(6);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(expect.arrayContaining(["summarizer", "classifier", "researcher", "word-counter", "support-triage"]));
  });

  it("is read once", () => {
    expect(listTemplates()).toBe(templates);
  });

  it.each(templates.map((t) => [t.id, t] as const))("%s: its preview validates with no problems at all", (_id, template) => {
    const result = validateAgentSource(templatePreview(template));
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(templates.map((t) => [t.id, t] as const))("%s: filling with no params gives the preview", (id, template) => {
    expect(fillTemplate(id, {}).source).toBe(templatePreview(template));
  });

  // A value full of TOML syntax must come back as exactly that string: proof that every
  // placeholder sits inside a basic string and that filling escapes it.
  const tricky = 'say "hi" \\ C:\\path\\ """ \'\'\' ] [x] = 1\ttab\nnew line \u0001 \u007f é 🙂';
  it.each(templates.flatMap((t) => t.params.map((p) => [t.id, p.name, t] as const)))(
    "%s: {{%s}} is filled as escaped string content",
    (_id, name, template) => {
      const values = Object.fromEntries(template.params.map((p) => [p.name, p.default ?? "x"]));
      values[name] = tricky;
      const source = fillPlaceholders(template.source, values);
      const data = parseToml(source);
      expect(stringsOf(data).some((text) => text.includes(tricky))).toBe(true);
    },
  );

  it("leaves the runtime placeholders alone", () => {
    const source = fillTemplate("support-triage", { PRODUCT: "Caxton" }).source;
    expect(source).toContain("{{request}}");
    expect(source).toContain("{{memory}}");
    expect(source).toContain("for Caxton");
  });

  it("makes a tool agent with no LLM from word-counter", () => {
    const result = validateAgentSource(fillTemplate("word-counter", { NAME: "counter", CAPABILITY: "count-words:v2" }).source);
    expect(result.ok && result.config).toMatchObject({
      name: "counter",
      capabilities: ["count-words:v2"],
      handler: { tool: "word-count" },
    });
    expect(result.ok && result.config.llm).toBeUndefined();
  });
});

describe("getTemplate", () => {
  it("finds a template by id", () => {
    expect(getTemplate("summarizer").title).toBe("Summarizer");
  });

  it("answers not_found with a did-you-mean", () => {
    const error = thrown(() => getTemplate("sumarizer"));
    expect(error.code).toBe("not_found");
    expect(error.message).toContain("Did you mean `summarizer`?");
  });
});

describe("fillTemplate", () => {
  it("rejects an unknown param with a did-you-mean", () => {
    const error = thrown(() => fillTemplate("summarizer", { NAEM: "x" }));
    expect(error.code).toBe("validation_failed");
    expect(error.extra.details).toEqual([{ param: "NAEM", message: expect.stringContaining("Did you mean `NAME`?") }]);
  });

  it("rejects a value that breaks the pattern", () => {
    const error = thrown(() => fillTemplate("summarizer", { NAME: "My Agent" }));
    expect(error.extra.details).toEqual([{ param: "NAME", message: expect.stringContaining("must match ^[a-z][a-z0-9-]*[a-z0-9]$") }]);
  });

  it("rejects a value outside the options, naming them", () => {
    const error = thrown(() => fillTemplate("summarizer", { PROVIDER: "opena" }));
    const [detail] = error.extra.details as { param: string; message: string }[];
    expect(detail).toEqual({ param: "PROVIDER", message: expect.stringContaining('must be one of "openai", "anthropic", "mock"') });
    expect(detail!.message).toContain('Did you mean "openai"?');
  });

  it("reports every bad param at once", () => {
    const error = thrown(() => fillTemplate("translator", { TONE: "rude", NAME: "-x", LANG: "German" }));
    expect((error.extra.details as { param: string }[]).map((d) => d.param).sort()).toEqual(["LANG", "NAME", "TONE"]);
    expect(error.message).toContain("3 invalid parameters");
  });

  it("rejects a missing required param", () => {
    const template: AgentTemplate = {
      id: "needs-name",
      title: "Needs a name",
      description: "A template with a required param.",
      source: 'name = "{{NAME}}"',
      params: [{ name: "NAME", description: "The agent's name." }],
    };
    const error = thrown(() => fillTemplateSource(template, {}));
    expect(error.extra.details).toEqual([{ param: "NAME", message: "`NAME` is required: The agent's name." }]);
    expect(templatePreview(template)).toBe('name = "<NAME>"');
    expect(fillTemplateSource(template, { NAME: 'a"b' }).source).toBe('name = "a\\"b"');
  });
});

describe("escapeBasicString", () => {
  it("escapes backslash, quote and control characters", () => {
    expect(escapeBasicString('a\\b"c\nd\te\u0000f\u007f')).toBe('a\\\\b\\"c\\nd\\te\\u0000f\\u007f');
    expect(parseToml(`v = "${escapeBasicString('a\\b"c\nd\u0000')}"`).v).toBe('a\\b"c\nd\u0000');
  });
});

describe("loadTemplates", () => {
  const folders: string[] = [];
  afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));
  /** A fresh folder holding one template file. */
  const only = (file: string, text: string) => {
    const folder = mkdtempSync(path.join(tmpdir(), "caxton-templates-"));
    folders.push(folder);
    writeFileSync(path.join(folder, file), text);
    return folder;
  };
  const good = `title = "T"\ndescription = "D"\nsource = 'name = "{{NAME}}"'\n[[params]]\nname = "NAME"\ndescription = "N"\ndefault = "ab"\n`;

  it("reads a well-formed folder", () => {
    expect(loadTemplates(only("ok.toml", good))).toEqual([
      { id: "ok", title: "T", description: "D", source: 'name = "{{NAME}}"', params: [{ name: "NAME", description: "N", default: "ab" }] },
    ]);
  });

  it.each([
    ["broken.toml", 'title = "T', "broken.toml is not valid TOML"],
    ["extra.toml", `${good}tilte = "x"\n`, "extra.toml is malformed"],
    ["unused.toml", good.replace("{{NAME}}", "x"), "Param NAME is never used in source"],
    ["undeclared.toml", good.replace("{{NAME}}", "{{NAME}}{{OTHER}}"), "Placeholder {{OTHER}} has no param"],
    ["default.toml", `${good}pattern = "^[0-9]+$"\n`, "The default breaks its own rule"],
    ["lower.toml", good.replaceAll("NAME", "name"), "Param names use uppercase letters"],
    ["Bad_Id.toml", good, "the file name must be a lowercase id"],
  ])("throws naming the file: %s", (file, text, reason) => {
    const folder = only(file, text);
    expect(() => loadTemplates(folder)).toThrow(path.join(folder, file));
    expect(() => loadTemplates(folder)).toThrow(reason);
  });
});
