import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { AppError } from "../lib/errors";
import { suggest } from "../lib/suggest";
import { fromRoot } from "../platform/paths";

/**
 * Agent templates: `templates/<id>.toml`, each an agent document with `{{PARAM}}`
 * placeholders and the params that fill them. Placeholders are UPPERCASE so the runtime's
 * own `{{request}}`, `{{context}}` and `{{memory}}` pass through filling untouched, and they
 * sit only inside TOML basic strings, so a filled value is escaped as string content and can
 * never add keys or tables to the document.
 */

const PARAM_NAME = /^[A-Z][A-Z0-9_]*$/;
const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;
const TEMPLATE_ID = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const isRegExp = (pattern: string) => {
  try {
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
};

const templateParamSchema = z
  .strictObject({
    name: z.string().regex(PARAM_NAME, "Param names use uppercase letters, digits and underscores, starting with a letter"),
    description: z.string().min(1),
    default: z.string().optional(),
    pattern: z.string().refine(isRegExp, "Not a valid regular expression").optional(),
    options: z.array(z.string()).min(1).optional(),
  })
  .superRefine((param, ctx) => {
    if (param.pattern !== undefined && param.options !== undefined)
      ctx.addIssue({ code: "custom", message: "A param has a pattern or options, not both" });
    if (param.default !== undefined) {
      const problem = valueProblem(param, param.default);
      if (problem) ctx.addIssue({ code: "custom", path: ["default"], message: `The default breaks its own rule: ${problem}` });
    }
  });

export const templateSchema = z
  .strictObject({
    title: z.string().min(1).max(100),
    description: z.string().min(1).max(1000),
    source: z.string().min(1),
    params: z.array(templateParamSchema).default([]),
  })
  .superRefine((template, ctx) => {
    const declared = template.params.map((p) => p.name);
    declared.forEach((name, index) => {
      if (declared.indexOf(name) !== index)
        ctx.addIssue({ code: "custom", path: ["params", index, "name"], message: `Param ${name} is declared twice` });
      if (!template.source.includes(`{{${name}}}`))
        ctx.addIssue({ code: "custom", path: ["params", index, "name"], message: `Param ${name} is never used in source` });
    });
    for (const [, name] of template.source.matchAll(PLACEHOLDER)) {
      if (!declared.includes(name!)) ctx.addIssue({ code: "custom", path: ["source"], message: `Placeholder {{${name}}} has no param` });
    }
  });

export type TemplateParam = z.output<typeof templateParamSchema>;
export type AgentTemplate = { id: string } & z.output<typeof templateSchema>;

/** Why a value does not suit a param, or undefined when it does. */
function valueProblem(param: Pick<TemplateParam, "name" | "pattern" | "options">, value: string): string | undefined {
  if (param.options && !param.options.includes(value)) {
    const close = suggest(value, param.options, 1);
    return `\`${param.name}\` must be one of ${param.options.map((o) => `"${o}"`).join(", ")}; got ${JSON.stringify(value)}.${close.length ? ` Did you mean "${close[0]}"?` : ""}`;
  }
  if (param.pattern && isRegExp(param.pattern) && !new RegExp(param.pattern, "u").test(value)) {
    return `\`${param.name}\` must match ${param.pattern}; got ${JSON.stringify(value)}.`;
  }
  if (LONE_SURROGATE.test(value)) return `\`${param.name}\` contains an unpaired surrogate, which is not valid Unicode text.`;
  return undefined;
}

const NAMED_ESCAPES: Record<string, string> = { "\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r" };

/** A value as the content of a TOML basic string (single- or multi-line). */
export function escapeBasicString(value: string): string {
  let out = "";
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (NAMED_ESCAPES[char] !== undefined) out += NAMED_ESCAPES[char];
    // TOML forbids raw control characters in basic strings; DEL included.
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return out;
}

/** Replaces each `{{PARAM}}` that has a value; others stay as written. No checks. */
export function fillPlaceholders(source: string, values: Readonly<Record<string, string>>): string {
  return source.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(values, name) ? escapeBasicString(values[name]!) : whole));
}

/** Reads and checks every template of a folder. A malformed file is a developer error. */
export function loadTemplates(dir: string): AgentTemplate[] {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith(".toml"))
    .sort();
  return files.map((file) => {
    const id = file.slice(0, -".toml".length);
    const where = path.join(dir, file);
    if (!TEMPLATE_ID.test(id)) throw new Error(`Template file ${where}: the file name must be a lowercase id like summarizer.toml.`);
    let data: unknown;
    try {
      data = parseToml(readFileSync(where, "utf8"));
    } catch (error) {
      throw new Error(`Template file ${where} is not valid TOML: ${(error as Error).message}`);
    }
    const parsed = templateSchema.safeParse(data);
    if (!parsed.success) {
      const reasons = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(document)"}: ${issue.message}`);
      throw new Error(`Template file ${where} is malformed:\n  ${reasons.join("\n  ")}`);
    }
    return { id, ...parsed.data };
  });
}

let cached: AgentTemplate[] | undefined;

/** The templates shipped in templates/, sorted by id; read once per process. */
export function listTemplates(): AgentTemplate[] {
  return (cached ??= loadTemplates(fromRoot("templates")));
}

export function getTemplate(id: string): AgentTemplate {
  const templates = listTemplates();
  const found = templates.find((template) => template.id === id);
  if (found) return found;
  const ids = templates.map((template) => template.id);
  const close = suggest(id, ids);
  throw new AppError("not_found", `Template \`${id}\` not found.${close.length ? ` Did you mean \`${close[0]}\`?` : ""}`, {
    hint: `Templates: ${ids.join(", ")}.`,
  });
}

export interface ParamProblem {
  param: string;
  message: string;
}

/** The template's source with every param filled; throws validation_failed listing each bad param. */
export function fillTemplate(id: string, params: Readonly<Record<string, string>>): { source: string } {
  return fillTemplateSource(getTemplate(id), params);
}

/** fillTemplate for a template already in hand (one read from elsewhere, or built in a test). */
export function fillTemplateSource(template: AgentTemplate, params: Readonly<Record<string, string>>): { source: string } {
  const id = template.id;
  const names = template.params.map((p) => p.name);
  const problems: ParamProblem[] = [];
  for (const param of Object.keys(params)) {
    if (names.includes(param)) continue;
    const close = suggest(param, names);
    problems.push({
      param,
      message: `Unknown parameter \`${param}\` for template \`${id}\`.${close.length ? ` Did you mean \`${close[0]}\`?` : ` Parameters: ${names.join(", ") || "none"}.`}`,
    });
  }
  const values: Record<string, string> = {};
  for (const param of template.params) {
    const given = Object.hasOwn(params, param.name) ? params[param.name] : undefined;
    if (given === undefined) {
      if (param.default === undefined) problems.push({ param: param.name, message: `\`${param.name}\` is required: ${param.description}` });
      else values[param.name] = param.default;
      continue;
    }
    if (typeof given !== "string") {
      problems.push({ param: param.name, message: `\`${param.name}\` must be a string.` });
      continue;
    }
    const problem = valueProblem(param, given);
    if (problem) problems.push({ param: param.name, message: problem });
    else values[param.name] = given;
  }
  if (problems.length) {
    const summary = problems.length === 1 ? problems[0]!.message : `Template \`${id}\` was given ${problems.length} invalid parameters.`;
    throw new AppError("validation_failed", summary, { details: problems, hint: "Fix the parameters listed in details and try again." });
  }
  return { source: fillPlaceholders(template.source, values) };
}

/** The source filled with defaults; a required param shows as `<NAME>` so the gap is visible. */
export function templatePreview(template: AgentTemplate): string {
  const values: Record<string, string> = {};
  for (const param of template.params) values[param.name] = param.default ?? `<${param.name}>`;
  return fillPlaceholders(template.source, values);
}
