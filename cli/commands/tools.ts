import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Problem } from "../../server/documents/problems";
import type { InvocationView } from "../../server/tools/runs";
import type { ModuleProblem } from "../../server/tools/sandbox/types";
import type { UploadResult } from "../../server/tools/tools";
import { connect } from "../api-client";
import type { Command } from "../command";
import { confirmName } from "../confirm";
import { CliFailure, exitCodes, usageError } from "../errors";
import { printResult } from "../output";
import { shortDate, table } from "../table";

interface ToolSummary {
  name: string;
  kind: string;
  description: string;
  sample: boolean;
  activeVersion: { number: number; semver: string } | null;
  versionCount: number;
  /** The active version's quarantine, when its runs kept breaching their limits. */
  quarantine: { since: string; reason: string; breaches: number } | null;
}

const quarantineLine = (tool: ToolSummary) =>
  tool.quarantine
    ? `# quarantined since ${tool.quarantine.since}: ${tool.quarantine.reason}. Runs are refused until a new version is pushed.\n`
    : "";

const toolPath = (name: string, rest = "") => `/tools/${encodeURIComponent(name)}${rest}`;

/**
 * A tool folder: manifest.toml (or manifest.json) and its module: for wasm the one *.wasm
 * in the folder or its dist/, for js the one *.js (tool.js when there are several).
 */
async function readToolFolder(dir: string) {
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw usageError(`${dir} is not a folder.`, "Give the folder that holds manifest.toml and the module.");
  const names = await readdir(dir);
  const manifestName = ["manifest.toml", "manifest.json"].find((n) => names.includes(n));
  if (!manifestName) throw usageError(`${dir} has no manifest.toml or manifest.json.`, "See docs/tools.md for the manifest format.");
  const manifest = await readFile(path.join(dir, manifestName));
  const kind = /^\s*"?kind"?\s*[=:]\s*"js"/m.test(manifest.toString("utf8")) ? "js" : "wasm";
  const candidates =
    kind === "wasm"
      ? [
          ...names.map((n) => n),
          ...(names.includes("dist") ? (await readdir(path.join(dir, "dist"))).map((n) => path.join("dist", n)) : []),
        ].filter((n) => n.endsWith(".wasm"))
      : names.filter((n) => n.endsWith(".js"));
  const chosen = candidates.length === 1 ? candidates[0] : candidates.find((n) => n === "tool.js");
  if (!chosen) {
    throw usageError(
      candidates.length
        ? `${dir} has several ${kind} modules (${candidates.join(", ")}).`
        : `${dir} has no ${kind === "wasm" ? ".wasm (also looked in dist/)" : ".js"} module.`,
      kind === "wasm" ? "Build it first (npm run build:plugins for the samples)." : "Name the tool's script tool.js.",
    );
  }
  return { manifest, manifestName, module: await readFile(path.join(dir, chosen)), moduleName: chosen };
}

function refusalLines(dir: string, manifestName: string, error: CliFailure): string {
  const details = error.error.details as { problems?: Problem[]; moduleProblems?: ModuleProblem[] } | undefined;
  const lines = [
    ...(details?.problems ?? []).map(
      (p) =>
        `${path.join(dir, manifestName)}:${p.line}:${p.column}: ${p.severity} [${p.code}] ${p.message}${p.suggestions.length ? `\n    did you mean: ${p.suggestions.join(", ")}` : ""}`,
    ),
    ...(details?.moduleProblems ?? []).map((p) => `${dir}: module: [${p.code}] ${p.message}`),
  ];
  return lines.length ? lines.join("\n") : `${dir}: error: ${error.error.message}`;
}

function invocationText(run: InvocationView): string {
  if (run.status === "ok") return `${JSON.stringify(run.output, null, 2)}\n(${run.tool} v${run.version}, ${run.durationMs} ms)`;
  const d = run.diagnostic;
  return d
    ? `${run.tool} v${run.version} failed: [${d.kind}] ${d.message}${d.limit !== null ? ` (limit ${d.limit}, observed ${d.observed ?? "-"})` : ""}`
    : `${run.tool}: ${run.status}`;
}

export const toolCommands: Command[] = [
  {
    name: "tool push",
    usage: "tool push <dir>",
    summary: "Upload a tool folder (manifest + .wasm or .js); prints the outcome or every problem.",
    arguments: ["dir"],
    async run(args, out) {
      const dir = args.positionals[0]!;
      const folder = await readToolFolder(dir);
      const form = new FormData();
      form.set("manifest", new Blob([folder.manifest]), folder.manifestName);
      form.set("module", new Blob([folder.module]), path.basename(folder.moduleName));
      try {
        const result = await connect().postForm<UploadResult>("/tools", form);
        const was = result.outcome === "updated" ? ` (was v${result.version.number - 1})` : "";
        printResult(
          out,
          result,
          `${result.outcome} ${result.tool.name} v${result.version.number}${was} (${result.version.kind}, ${result.version.moduleBytes} bytes)`,
        );
        return exitCodes.ok;
      } catch (error) {
        if (!(error instanceof CliFailure) || error.error.code !== "invalid_tool") throw error;
        printResult(out, { ok: false, error: error.error }, refusalLines(dir, folder.manifestName, error));
        return exitCodes.error;
      }
    },
  },
  {
    name: "tool list",
    usage: "tool list",
    summary: "List the tools of the workspace.",
    async run(_args, out) {
      const items = await connect().listAll<ToolSummary>("/tools");
      const rows = items.map((t) => [
        t.name,
        t.kind,
        t.activeVersion ? `v${t.activeVersion.number} (${t.activeVersion.semver})` : "-",
        [t.sample ? "sample" : "", t.quarantine ? "quarantined" : ""].filter(Boolean).join(", "),
        t.description.length > 48 ? `${t.description.slice(0, 47)}…` : t.description,
      ]);
      printResult(
        out,
        { items },
        items.length ? table(["name", "kind", "active", "", "description"], rows) : "No tools yet: `caxton tool push <dir>` uploads one.",
      );
      return exitCodes.ok;
    },
  },
  {
    name: "tool show",
    usage: "tool show <name>",
    summary: "Print a tool's active manifest; --json for every detail.",
    arguments: ["name"],
    async run(args, out) {
      const tool = await connect().get<ToolSummary & { manifestSource: string }>(toolPath(args.positionals[0]!));
      printResult(out, tool, quarantineLine(tool) + tool.manifestSource.replace(/\n$/, ""));
      return exitCodes.ok;
    },
  },
  {
    name: "tool run",
    usage: "tool run <name> '<json input>'",
    summary: "Run a tool in a worker's sandbox and print its output or diagnostic.",
    details:
      "Exit 1 when the tool failed (timeout, memory, host_denied, trap, invalid_input, invalid_output, output_too_large, quarantined, worker_lost).",
    arguments: ["name", "json input"],
    async run(args, out) {
      const [name, raw] = args.positionals as [string, string];
      let input: unknown;
      try {
        input = JSON.parse(raw);
      } catch (error) {
        throw usageError(
          `The input is not JSON: ${(error as Error).message}.`,
          `Quote it for the shell: caxton tool run ${name} '{"text": "hello"}'`,
        );
      }
      const run = await connect().request<InvocationView>("POST", toolPath(name, "/run"), { input });
      printResult(out, run, invocationText(run));
      return run.status === "ok" ? exitCodes.ok : exitCodes.error;
    },
  },
  {
    name: "tool invocations",
    usage: "tool invocations <name>",
    summary: "Recent calls of a tool: when, who, how long, outcome.",
    arguments: ["name"],
    async run(args, out) {
      const page = await connect().get<{ items: InvocationView[] }>(toolPath(args.positionals[0]!, "/invocations?limit=20"));
      const rows = page.items.map((r) => [
        shortDate(r.createdAt),
        `v${r.version}`,
        r.caller.label,
        r.durationMs === null ? "-" : `${r.durationMs} ms`,
        r.status === "ok" ? "ok" : `${r.status}${r.diagnostic ? ` (${r.diagnostic.kind})` : ""}`,
      ]);
      printResult(out, page, rows.length ? table(["when", "version", "caller", "time", "outcome"], rows) : "No calls yet.");
      return exitCodes.ok;
    },
  },
  {
    name: "tool delete",
    usage: "tool delete <name> --confirm <name>",
    summary: "Delete a tool; --confirm must repeat its name. Versions and calls stay recorded.",
    arguments: ["name"],
    options: [{ name: "confirm", value: "name", description: "the tool's name again, to show you mean it" }],
    async run(args, out) {
      const name = args.positionals[0]!;
      await confirmName(args, out, "tool", name);
      await connect().request<void>("DELETE", toolPath(name), { confirm: name });
      printResult(out, { name, deleted: true }, `Deleted tool "${name}".`);
      return exitCodes.ok;
    },
  },
];
