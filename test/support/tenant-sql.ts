import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/**
 * The tenant-condition guard: finds every SQL text in the source (a string or template
 * literal that reads or writes a quoted table) and checks that each use of a tenant table
 * (a model of prisma/schema.prisma with a workspaceId column) is filtered by the workspace,
 * and that the statement sits in a module that owns the table. It is a tripwire for the
 * statements this code writes (one shape: keywords in capitals, tables quoted), not a SQL
 * parser: a statement it cannot read as such fails it, and goes in a service that owns it.
 */

/** Tables of the models that carry a workspaceId (their @@map name when they have one). */
export function tenantTables(schema: string): Set<string> {
  const tables = new Set<string>();
  for (const [, name, body] of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    if (!/^\s*workspaceId\s+String/m.test(body!)) continue;
    tables.add(/@@map\(\s*"([^"]+)"\s*\)/.exec(body!)?.[1] ?? name!);
  }
  return tables;
}

export interface SqlText {
  file: string;
  line: number;
  text: string;
}

const STATEMENT = /\b(select|insert|update|delete)\b/i;
const REFERENCE = /\b(from|join|update|into)\s+"(\w+)"/gi;

/** The literals of a TypeScript source that look like SQL; interpolations read as `${…}`. */
export function sqlTextsOf(file: string, source: string): SqlText[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: SqlText[] = [];
  const visit = (node: ts.Node) => {
    let text: string | null = null;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node)) text = node.head.text + node.templateSpans.map((span) => "${…}" + span.literal.text).join("");
    if (text !== null && STATEMENT.test(text) && new RegExp(REFERENCE.source, "i").test(text)) {
      found.push({ file, line: sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1, text });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

export interface Owner {
  tables: string[];
  /** Why this module writes SQL of its own rather than going through Prisma or another service. */
  reason: string;
}

/** A use of a tenant table that is rightly not filtered by workspace (the statement is what finds the workspace). */
export interface Unscoped {
  file: string;
  table: string;
  statement: RegExp;
  reason: string;
}

export interface Finding {
  file: string;
  line: number;
  table: string;
  problem: string;
}

/** One SQL text checked against the tenant tables, the owners and the exemptions. */
export function checkSqlText(sqlText: SqlText, tenants: Set<string>, owners: Record<string, Owner>, unscoped: Unscoped[] = []): Finding[] {
  const { file, line, text } = sqlText;
  const findings: Finding[] = [];
  const filtered: string[] = [];
  for (const match of text.matchAll(REFERENCE)) {
    const [, keyword, table] = match as unknown as [string, string, string];
    if (!tenants.has(table)) continue;
    if (!owners[file]?.tables.includes(table))
      findings.push({ file, line, table, problem: `raw SQL on tenant table "${table}" outside the modules that own it` });
    if (keyword.toLowerCase() === "into") {
      const columns = /^\s*\(([^)]*)\)/.exec(text.slice(match.index! + match[0].length))?.[1] ?? "";
      if (!columns.includes(`"workspaceId"`))
        findings.push({ file, line, table, problem: `INSERT INTO "${table}" without a "workspaceId" column` });
      continue;
    }
    if (unscoped.some((u) => u.file === file && u.table === table && u.statement.test(text))) continue;
    filtered.push(table);
  }
  // Each read or write of a tenant table needs its own workspace condition (`"workspaceId" =`/`IN`).
  const conditions = [...text.matchAll(/"workspaceId"\s*(=|IN\b)/gi)].length;
  if (filtered.length > conditions) {
    findings.push({
      file,
      line,
      table: filtered.join(", "),
      problem: `${filtered.length} use(s) of tenant tables but ${conditions} "workspaceId" condition(s): add \`AND "workspaceId" = $n\``,
    });
  }
  return findings;
}

/** Every .ts source (tests left out) under the given folders of the repository. */
export function sourcesUnder(root: string, folders: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) files.push(full);
    }
  };
  for (const folder of folders) walk(path.join(root, folder));
  return files;
}

/** The whole check over the repository. */
export function checkRepository(
  root: string,
  folders: string[],
  owners: Record<string, Owner>,
  unscoped: Unscoped[],
): { texts: SqlText[]; findings: Finding[] } {
  const tenants = tenantTables(readFileSync(path.join(root, "prisma/schema.prisma"), "utf8"));
  const texts = sourcesUnder(root, folders).flatMap((full) => sqlTextsOf(path.relative(root, full), readFileSync(full, "utf8")));
  return { texts, findings: texts.flatMap((t) => checkSqlText(t, tenants, owners, unscoped)) };
}
