import type { z } from "zod";
import type { agentDetailSchema, agentSummarySchema, agentVersionSchema, diffSchema, PushResult } from "../../server/agents/agents";
import type { Problem } from "../../server/agents/validate";
import { collectAgentFiles, countErrors, formatProblem, formatPushResult, plural, problemsOf, readAgentFile } from "../agent-files";
import { stringFlag } from "../args";
import { connect, type ApiClient } from "../api-client";
import type { Command } from "../command";
import { confirmName } from "../confirm";
import { CliFailure, exitCodes, usageError } from "../errors";
import { printResult } from "../output";
import { clip, printable, shortDate, table } from "../table";
import { templateCommands } from "./templates";

type AgentSummary = z.infer<typeof agentSummarySchema>;
type AgentDetail = z.infer<typeof agentDetailSchema>;
type AgentVersion = z.infer<typeof agentVersionSchema>;
type AgentDiff = z.infer<typeof diffSchema>;

const agentPath = (name: string, rest = "") => `/agents/${encodeURIComponent(name)}${rest}`;

/** A 404 on an agent's routes says what to run to see the names that do exist. */
async function withAgentHint<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof CliFailure && error.exitCode === exitCodes.notFound && !error.error.hint) {
      throw new CliFailure(exitCodes.notFound, { ...error.error, hint: "`caxton agent list` shows the agents of your workspace." });
    }
    throw error;
  }
}

function versionFlag(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(raw.trim()))
    throw usageError(
      `${name} "${raw}" is not a version number.`,
      "Versions are numbered 1, 2, 3…; `caxton agent versions <name>` lists them.",
    );
  return Number(raw);
}

interface FileReport {
  path: string;
  ok: boolean;
  problems: Problem[];
  error?: string;
}

/** One line per file that could not be pushed or validated for a reason other than its content. */
const fileErrorLine = (file: string, message: string) => `${file}: error: ${message}`;

export const agentCommands: Command[] = [
  {
    name: "agent validate",
    usage: "agent validate <file|dir>...",
    summary: "Check agent documents offline: every problem at its file:line:col.",
    details:
      "A folder means every *.toml in it (not subfolders). Needs no server and no login.\nExit 1 when any file has an error; warnings alone exit 0.",
    arguments: ["file|dir"],
    variadic: true,
    async run(args, out) {
      // Loaded here, not at the top: the validator brings the TOML parser and zod, which `caxton --help` does not need.
      const { validateAgentSource } = await import("../../server/agents/validate");
      const reports: FileReport[] = [];
      for (const entry of await collectAgentFiles(args.positionals)) {
        const bytes = entry.error === undefined ? await readAgentFile(entry.path) : { error: entry.error };
        if ("error" in bytes) {
          reports.push({ path: entry.path, ok: false, problems: [], error: bytes.error });
          continue;
        }
        const result = validateAgentSource(bytes);
        reports.push({ path: entry.path, ok: result.ok, problems: result.problems });
      }
      const errors = reports.reduce((sum, r) => sum + countErrors(r.problems) + (r.error ? 1 : 0), 0);
      const warnings = reports.reduce((sum, r) => sum + r.problems.length - countErrors(r.problems), 0);
      const failed = reports.filter((r) => !r.ok).length;
      const lines = reports.flatMap((r) => (r.error ? [fileErrorLine(r.path, r.error)] : r.problems.map((p) => formatProblem(r.path, p))));
      const summary = `${plural(reports.length, "file")} checked: ${failed ? `${failed} invalid` : "all valid"}, ${plural(errors, "error")}, ${plural(warnings, "warning")}.`;
      printResult(out, { ok: failed === 0, files: reports, errors, warnings }, [...lines, summary].join("\n"));
      return failed ? exitCodes.error : exitCodes.ok;
    },
  },
  {
    name: "agent push",
    usage: "agent push <file|dir>...",
    summary: "Create or update agents from their documents; prints each outcome and diff.",
    details:
      "Each document becomes the agent's active version (the document's `name` picks the agent).\nAn identical document changes nothing. Exit 1 when any file was refused.",
    arguments: ["file|dir"],
    variadic: true,
    async run(args, out) {
      const client = connect();
      const results: Record<string, unknown>[] = [];
      const lines: string[] = [];
      for (const entry of await collectAgentFiles(args.positionals)) {
        const bytes = entry.error === undefined ? await readAgentFile(entry.path) : { error: entry.error };
        if ("error" in bytes) {
          results.push({ path: entry.path, error: { code: "unreadable", message: bytes.error } });
          lines.push(fileErrorLine(entry.path, bytes.error));
          continue;
        }
        try {
          const result = await client.postDocument<PushResult>("/agents", bytes);
          results.push({ path: entry.path, ...result });
          lines.push(formatPushResult(entry.path, result));
        } catch (error) {
          // Without a server or a valid token no other file can succeed either: stop with that exit code.
          if (!(error instanceof CliFailure) || error.exitCode === exitCodes.unreachable || error.exitCode === exitCodes.auth) throw error;
          results.push({ path: entry.path, error: error.error });
          const problems = problemsOf(error.error);
          lines.push(
            problems ? problems.map((p) => formatProblem(entry.path, p)).join("\n") : fileErrorLine(entry.path, error.error.message),
          );
        }
      }
      const failed = results.filter((r) => r.error).length;
      lines.push(`${plural(results.length, "file")} pushed${failed ? `, ${failed} refused` : ""}.`);
      printResult(out, { ok: failed === 0, results }, lines.join("\n"));
      return failed ? exitCodes.error : exitCodes.ok;
    },
  },
  {
    name: "agent list",
    usage: "agent list",
    summary: "List the agents of the workspace.",
    async run(_args, out) {
      const items = await connect().listAll<AgentSummary>("/agents");
      const rows = items.map((a) => [
        a.name,
        a.kind,
        a.activeVersion ? `v${a.activeVersion.number} (${a.activeVersion.semver})` : "-",
        String(a.versionCount),
        a.status,
        shortDate(a.lastActivityAt),
        clip(printable(a.description), 48),
      ]);
      printResult(
        out,
        { items },
        items.length
          ? table(["name", "kind", "active", "versions", "status", "last activity", "description"], rows)
          : "No agents yet: `caxton agent push <file>` creates one.",
      );
      return exitCodes.ok;
    },
  },
  {
    name: "agent show",
    usage: "agent show <name>",
    summary: "Print an agent's active document (TOML); --json for every detail.",
    arguments: ["name"],
    async run(args, out) {
      const agent = await withAgentHint(connect().get<AgentDetail>(agentPath(args.positionals[0]!)));
      printResult(out, agent, agent.source.replace(/\n$/, ""));
      return exitCodes.ok;
    },
  },
  {
    name: "agent versions",
    usage: "agent versions <name>",
    summary: "List an agent's versions, newest first; * marks the active one.",
    arguments: ["name"],
    async run(args, out) {
      const items = await withAgentHint(connect().listAll<AgentVersion>(agentPath(args.positionals[0]!, "/versions")));
      const rows = items.map((v) => [
        `${v.active ? "*" : " "}v${v.number}`,
        v.semver,
        shortDate(v.createdAt),
        v.createdBy,
        v.contentHash.slice(0, 12),
      ]);
      printResult(out, { items }, table(["version", "semver", "created", "by", "hash"], rows));
      return exitCodes.ok;
    },
  },
  {
    name: "agent diff",
    usage: "agent diff <name> [--from <n>] [--to <m>]",
    summary: "Unified diff between two versions (default: the active one and the one before).",
    arguments: ["name"],
    options: [
      { name: "from", value: "n", description: "older version (default: the one before --to)" },
      { name: "to", value: "m", description: "newer version (default: the active one)" },
    ],
    async run(args, out) {
      const from = versionFlag(stringFlag(args, "from", "n"), "--from");
      const to = versionFlag(stringFlag(args, "to", "m"), "--to");
      const query = new URLSearchParams({ ...(from ? { from: String(from) } : {}), ...(to ? { to: String(to) } : {}) }).toString();
      const result = await withAgentHint(connect().get<AgentDiff>(agentPath(args.positionals[0]!, `/diff${query ? `?${query}` : ""}`)));
      printResult(
        out,
        result,
        result.identical ? `${result.name} v${result.from} and v${result.to} are identical.` : result.diff.trimEnd(),
      );
      return exitCodes.ok;
    },
  },
  {
    name: "agent activate",
    usage: "agent activate <name> <version>",
    summary: "Make an existing version the active one (rollback or forward).",
    arguments: ["name", "version"],
    async run(args, out) {
      const [name, raw] = args.positionals as [string, string];
      const number = versionFlag(raw.replace(/^v/, ""), "<version>")!;
      const agent = await withAgentHint(connect().request<AgentDetail>("POST", agentPath(name, "/activate"), { version: number }));
      printResult(out, agent, `Activated ${agent.name} v${agent.activeVersion?.number} (${agent.activeVersion?.semver}).`);
      return exitCodes.ok;
    },
  },
  {
    name: "agent delete",
    usage: "agent delete <name> --confirm <name>",
    summary: "Delete an agent; --confirm must repeat its name. Its history stays.",
    details: "Without --confirm, asks for the name when run in a terminal; otherwise refuses (exit 2).",
    arguments: ["name"],
    options: [{ name: "confirm", value: "name", description: "the agent's name again, to show you mean it" }],
    async run(args, out) {
      const name = args.positionals[0]!;
      await confirmName(args, out, "agent", name);
      await withAgentHint(deleteAgent(connect(), name));
      printResult(out, { name, deleted: true }, `Deleted agent "${name}". Its versions stay in the history; the name is free again.`);
      return exitCodes.ok;
    },
  },
  ...templateCommands,
];

const deleteAgent = (client: ApiClient, name: string) => client.request<void>("DELETE", agentPath(name), { confirm: name });
