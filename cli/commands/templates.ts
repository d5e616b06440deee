import type { PushResult } from "../../server/agents/agents";
import { formatProblem, formatPushResult, problemsOf } from "../agent-files";
import { requiredFlag } from "../args";
import { connect } from "../api-client";
import type { Command } from "../command";
import { CliFailure, exitCodes, usageError } from "../errors";
import { printResult, withDetails } from "../output";
import { clip, printable, table } from "../table";

/** What GET /api/v1/templates answers (the contract agreed with the server side). */
interface TemplateView {
  id: string;
  title: string;
  description: string;
  params: { name: string; description: string; default: string | null; pattern: string | null; options: string[] | null }[];
  preview: string;
}

/** `--param KEY=VALUE`, repeatable; the value may contain `=` and commas. */
export function parseParams(values: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const raw of values) {
    const split = raw.indexOf("=");
    const key = split > 0 ? raw.slice(0, split).trim() : "";
    if (!key) throw usageError(`--param "${raw}" is not KEY=VALUE.`, "e.g. --param name=summarizer (repeat --param for each one).");
    if (key in params) throw usageError(`--param ${key} was given twice.`, "Give each parameter once.");
    params[key] = raw.slice(split + 1);
  }
  return params;
}

/** The server's 400 for template parameters names each one: `details: [{ param, message }]`. */
function paramProblems(details: unknown): string[] | undefined {
  if (!Array.isArray(details)) return undefined;
  const lines = details.filter(
    (d): d is { param: string; message: string } => typeof d?.param === "string" && typeof d?.message === "string",
  );
  return lines.length ? lines.map((d) => `--param ${d.param}: ${d.message}`) : undefined;
}

/** A default longer than this is cut in the list, so every parameter's name still shows; `--json` has it whole. */
const DEFAULT_SHOWN = 24;

const describeParam = (p: TemplateView["params"][number]) =>
  `${p.name}${p.default !== null ? `=${clip(printable(p.default), DEFAULT_SHOWN)}` : ""}${p.options ? ` (${p.options.join("|")})` : ""}`;

export const templateCommands: Command[] = [
  {
    name: "agent templates",
    usage: "agent templates",
    summary: "List the agent templates `agent create --template` starts from.",
    async run(_args, out) {
      const { items } = await connect().get<{ items: TemplateView[] }>("/templates");
      const rows = items.map((t) => [t.id, t.title, t.params.map(describeParam).join(", ") || "-"]);
      printResult(out, { items }, items.length ? table(["id", "title", "params (default)"], rows) : "No templates.");
      return exitCodes.ok;
    },
  },
  {
    name: "agent create",
    usage: "agent create --template <id> [--param KEY=VALUE]...",
    summary: "Create an agent from a template, filling in its parameters.",
    details: "`caxton agent templates` lists the templates and their parameters; a parameter left out takes its default.",
    options: [
      { name: "template", value: "id", description: "the template's id, e.g. summarizer" },
      { name: "param", value: "KEY=VALUE", repeatable: true, description: "a template parameter (repeat for each)" },
    ],
    async run(args, out) {
      const template = requiredFlag(args, "template", "id", "`caxton agent templates` lists the template ids.");
      const params = parseParams(args.lists?.param ?? []);
      let result: PushResult;
      try {
        result = await connect().request<PushResult>("POST", "/agents/from-template", { template, params });
      } catch (error) {
        if (!(error instanceof CliFailure)) throw error;
        const lines = paramProblems(error.error.details) ?? problemsOf(error.error)?.map((p) => formatProblem(`template ${template}`, p));
        if (!lines || out.json) throw error;
        throw new CliFailure(error.exitCode, {
          ...error.error,
          message: withDetails(error.error.message, lines),
          hint: "`caxton agent templates` lists each template's parameters.",
        });
      }
      printResult(out, result, formatPushResult(`template ${template}`, result));
      return exitCodes.ok;
    },
  },
];
