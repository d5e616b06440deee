import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { PushResult } from "../server/agents/agents";
import type { Problem } from "../server/agents/validate";
import type { CliError } from "./output";

/**
 * Agent documents on disk, and how their problems and push outcomes read in a terminal.
 * Shared by `agent validate`, `agent push`, `agent create` and `caxton dev`. Type-only
 * imports from server/, so nothing heavy loads with the CLI.
 */

/** Agent documents: `*.toml`, but not the hidden or backup files editors write next to them. */
export const isAgentFileName = (name: string) => name.endsWith(".toml") && !/^[.#~]/.test(name);

export type FileEntry = { path: string; error?: undefined } | { path: string; error: string };

/**
 * The files named on the command line: a file as given, a folder as every agent document in
 * it (not its subfolders), sorted. A path that cannot be read becomes an entry with an error.
 */
export async function collectAgentFiles(args: string[]): Promise<FileEntry[]> {
  const entries: FileEntry[] = [];
  for (const arg of args) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(arg)).isDirectory();
    } catch (error) {
      entries.push({ path: arg, error: fileError(error) });
      continue;
    }
    if (!isDirectory) {
      entries.push({ path: arg });
      continue;
    }
    const names = (await readdir(arg, { withFileTypes: true })).filter((e) => e.isFile() && isAgentFileName(e.name)).map((e) => e.name);
    if (names.length === 0) entries.push({ path: arg, error: "no .toml files in this folder" });
    for (const name of names.sort()) entries.push({ path: path.join(arg, name) });
  }
  return entries;
}

/** A file's raw bytes, or why it cannot be read, in a few words. */
export async function readAgentFile(file: string): Promise<Uint8Array | { error: string }> {
  try {
    return await readFile(file);
  } catch (error) {
    return { error: fileError(error) };
  }
}

function fileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a folder";
  return (error as Error).message;
}

/** `path:line:col: error [code] message`, then each suggestion indented, as compilers print. */
export function formatProblem(file: string, problem: Problem): string {
  const lines = [`${file}:${problem.line}:${problem.column}: ${problem.severity} [${problem.code}] ${problem.message}`];
  for (const suggestion of problem.suggestions) {
    // Whole sentences are printed as they are; a bare name reads best as a question, unless the message already asks it.
    if (/\s/.test(suggestion)) lines.push(`    ${suggestion}`);
    else if (!problem.message.includes(`\`${suggestion}\``)) lines.push(`    did you mean \`${suggestion}\`?`);
  }
  return lines.join("\n");
}

export const countErrors = (problems: Problem[]) => problems.filter((p) => p.severity === "error").length;

export const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** The problems a 422 `invalid_agent` answer carries, or undefined for any other error. */
export function problemsOf(error: CliError): Problem[] | undefined {
  if (error.code !== "invalid_agent") return undefined;
  const problems = (error.details as { problems?: unknown } | undefined)?.problems;
  return Array.isArray(problems) ? (problems as Problem[]) : undefined;
}

/** The version a diff started from: the server labels its sides `<name> v<number>`. */
const previousVersion = (diff: string | null) => (diff ? /^--- .* v(\d+)\s*$/m.exec(diff)?.[1] : undefined);

/** `created summarizer v1`, `updated summarizer v2 (was v1)` and the diff, `unchanged summarizer v2`. */
export function formatPushResult(file: string, result: PushResult, suffix = ""): string {
  const { outcome, agent, version } = result;
  const was = previousVersion(result.diff);
  const head = `${file}: ${outcome} ${agent.name} v${version.number}${was && outcome !== "created" ? ` (was v${was})` : ""}${suffix}`;
  const lines = [head, ...result.warnings.map((w) => formatProblem(file, w))];
  if (result.diff && outcome !== "created") lines.push(result.diff.trimEnd());
  return lines.join("\n");
}
