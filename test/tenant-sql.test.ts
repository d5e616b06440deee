import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkRepository, checkSqlText, sqlTextsOf, tenantTables, type Owner, type Unscoped } from "./support/tenant-sql";

/**
 * Raw SQL on tenant tables stays in the modules that own it, and every statement there is
 * filtered by the workspace (the worker's too): a statement that finds a row by id alone
 * would let a forged or stale id reach another workspace's data.
 */

const root = path.resolve(import.meta.dirname, "..");

/** Modules allowed to write raw SQL on tenant tables, and why each does. */
const owners: Record<string, Owner> = {
  "server/messaging/message-rows.ts": {
    tables: ["Message", "Conversation"],
    reason: "the statements every message goes through (server/db/sql.ts says why plain SQL)",
  },
  "server/auth/actor.ts": { tables: ["ApiToken", "Membership"], reason: "every API request resolves its token in one statement" },
  "server/quotas/quotas.ts": { tables: ["Quota"], reason: "every API request and message reads a limit" },
  "server/quotas/overrides-sql.ts": { tables: ["Quota"], reason: "the overrides fragment the token and delivery statements select" },
  "server/tools/quarantine.ts": { tables: ["ToolVersion"], reason: "a tool agent's every call reads its version's quarantine" },
  "server/tools/execute.ts": { tables: ["ToolInvocation"], reason: "the worker counts an attempt before it runs the tool" },
  "server/tools/invoke.ts": {
    tables: ["ToolInvocation"],
    reason: "every tool call's row, written in one statement (a tool agent writes one per message)",
  },
  "server/tools/invocations.ts": { tables: ["ToolInvocation"], reason: "previews cut inside Postgres, which Prisma cannot express" },
};

/** Statements that find the workspace rather than act inside one. */
const unscoped: Unscoped[] = [
  {
    file: "server/auth/actor.ts",
    table: "ApiToken",
    statement: /WHERE t\.hash = \$1/,
    reason: "a token is found by its hash: it is what names the workspace",
  },
  {
    file: "server/messaging/message-rows.ts",
    table: "Message",
    statement: /^SELECT "workspaceId" FROM "Message" WHERE id = \$1$/,
    reason: "a delivery job enqueued before jobs carried their workspace (a rolling restart) learns it from its row",
  },
];

const tenants = tenantTables(`
model Workspace {
  id String @id
}
model Note {
  id          String @id
  workspaceId String
}
model Archived {
  id          String @id
  workspaceId String
  @@map("archived_rows")
}
`);

const check = (text: string, file = "server/notes/rows.ts") =>
  checkSqlText({ file, line: 1, text }, tenants, { "server/notes/rows.ts": { tables: ["Note", "archived_rows"], reason: "test" } });

describe("the tenant-condition checker", () => {
  it("takes the tenant tables from the schema, a new model with workspaceId included", () => {
    expect([...tenants].sort()).toEqual(["Note", "archived_rows"]);
  });

  it("fails a statement that finds a tenant row by id alone", () => {
    expect(check(`SELECT * FROM "Note" WHERE id = $1`)).toEqual([
      expect.objectContaining({ table: "Note", problem: expect.stringContaining(`"workspaceId" condition`) }),
    ]);
    expect(check(`UPDATE "Note" SET body = $2 WHERE id = $1`)).toHaveLength(1);
    expect(check(`DELETE FROM "archived_rows" WHERE id = $1`)).toHaveLength(1);
  });

  it("fails a statement whose second use of a tenant table is not filtered", () => {
    expect(
      check(`SELECT * FROM "Note" WHERE id = $1 AND "workspaceId" = $2 UNION ALL SELECT * FROM "Note" WHERE "parentId" = $1`),
    ).toHaveLength(1);
    expect(check(`SELECT n.* FROM "Note" n JOIN "Note" p ON p.id = n."parentId" WHERE n."workspaceId" = $1`)).toHaveLength(1);
  });

  it("fails an insert without the workspace column", () => {
    expect(check(`INSERT INTO "Note" (id, body) VALUES ($1, $2)`)).toEqual([
      expect.objectContaining({ problem: expect.stringContaining("without a") }),
    ]);
  });

  it("fails a statement outside the modules that own the table, even a filtered one", () => {
    expect(check(`SELECT * FROM "Note" WHERE id = $1 AND "workspaceId" = $2`, "server/other/place.ts")).toEqual([
      expect.objectContaining({ problem: expect.stringContaining("outside the modules") }),
    ]);
  });

  it("passes filtered statements, and leaves tables without a workspace alone", () => {
    expect(check(`SELECT * FROM "Note" WHERE id = $1 AND "workspaceId" = $2`)).toEqual([]);
    expect(check(`INSERT INTO "Note" (id, "workspaceId", body) VALUES ($1, $2, $3)`)).toEqual([]);
    expect(
      check(`SELECT n.* FROM "Note" n JOIN "Note" p ON p.id = n."parentId" AND p."workspaceId" = $1 WHERE n."workspaceId" = $1`),
    ).toEqual([]);
    expect(check(`SELECT slug FROM "Workspace" WHERE id = $1`, "server/anywhere.ts")).toEqual([]);
  });

  it("finds SQL in strings, templates and tagged templates, interpolations included", () => {
    const source = [
      'const a = sql(`SELECT * FROM "Note" WHERE id = ${"$1"}`);',
      'const b = db.$queryRaw`UPDATE "Note" SET x = 1 WHERE id = ${id}`;',
      "const c = 'DELETE FROM \"Note\" WHERE id = $1';",
      'const d = "Select a tool to update";',
    ].join("\n");
    expect(sqlTextsOf("x.ts", source).map((t) => t.line)).toEqual([1, 2, 3]);
  });
});

describe("raw SQL in the product", () => {
  const { texts, findings } = checkRepository(root, ["server", "worker", "web", "app", "cli"], owners, unscoped);

  it("is found (the guard looks at the real statements)", () => {
    const files = new Set(texts.map((t) => t.file));
    for (const file of [
      "server/messaging/message-rows.ts",
      "server/tools/execute.ts",
      "server/tools/quarantine.ts",
      "server/auth/actor.ts",
    ])
      expect(files).toContain(file);
  });

  it("filters every use of a tenant table by workspace, and stays in the modules that own it", () => {
    expect(findings).toEqual([]);
  });
});
