import { execFileSync } from "node:child_process";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, readMigrations } from "../server/db/migrate";
import { splitSchema } from "../server/db/url";
import { fromRoot } from "../server/platform/paths";
import { testDatabase, uniqueName } from "./support/env";
import { inject } from "vitest";

/** Tables, columns, indexes, constraints and enums of one schema, normalised for comparison. */
async function catalog(client: pg.Client, schema: string) {
  const q = async (sql: string) => (await client.query(sql, [schema])).rows.map((r) => JSON.stringify(r)).sort();
  return {
    columns: await q(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length
                      FROM information_schema.columns WHERE table_schema = $1 AND table_name <> '_prisma_migrations'`),
    indexes: await q(`SELECT tablename, indexname, replace(indexdef, $1 || '.', '') AS def
                      FROM pg_indexes WHERE schemaname = $1 AND tablename <> '_prisma_migrations'`),
    constraints: await q(`SELECT c.conname, t.relname, pg_get_constraintdef(c.oid) AS def
                          FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                          WHERE n.nspname = $1 AND t.relname <> '_prisma_migrations'`),
    enums: await q(`SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
                    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
                    WHERE n.nspname = $1 GROUP BY t.typname`),
  };
}

async function withSchema<T>(schema: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: splitSchema(inject("databaseUrl")).connectionString });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`SET search_path TO "${schema}", public`);
    return await run(client);
  } finally {
    await client.end();
  }
}

const created: string[] = [];
afterAll(async () => {
  await withSchema("public", async (client) => {
    for (const schema of created) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
});

describe("migrations", () => {
  it("match prisma/schema.prisma exactly", async () => {
    const fromMigrations = `m_${uniqueName("migrations")}`;
    const fromSchema = `m_${uniqueName("schema")}`;
    created.push(fromMigrations, fromSchema);
    const expectedSql = execFileSync(
      fromRoot("node_modules/.bin/prisma"),
      ["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
      {
        cwd: fromRoot(),
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: splitSchema(inject("databaseUrl")).connectionString },
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    const viaMigrations = await withSchema(fromMigrations, async (client) => {
      for (const m of readMigrations()) await client.query(m.sql);
      return catalog(client, fromMigrations);
    });
    const viaSchema = await withSchema(fromSchema, async (client) => {
      await client.query(expectedSql);
      return catalog(client, fromSchema);
    });
    expect(viaMigrations.columns.length).toBeGreaterThan(0);
    expect(
      viaMigrations,
      "prisma/migrations and prisma/schema.prisma disagree: add a migration for the schema change " +
        "(prisma migrate diff --from-schema-datamodel OLD --to-schema-datamodel prisma/schema.prisma --script)",
    ).toEqual(viaSchema);
  });

  it("apply once, record themselves in _prisma_migrations, and are idempotent", async () => {
    const db = await testDatabase("migrate-twice");
    try {
      const second = await migrate(db.url);
      expect(second.applied).toEqual([]);
      expect(second.alreadyApplied).toBe(readMigrations().length);
      const rows = await withSchema(
        db.schema,
        async (c) => (await c.query(`SELECT migration_name, checksum FROM "_prisma_migrations"`)).rows,
      );
      expect(rows.map((r) => r.migration_name)).toEqual(readMigrations().map((m) => m.name));
      const hasVector = await withSchema(
        db.schema,
        async (c) => (await c.query(`SELECT '[1,2]'::vector <-> '[1,3]'::vector AS d`)).rows[0].d,
      );
      expect(Number(hasVector)).toBe(1);
    } finally {
      await db.drop();
    }
  });

  it("refuse an applied migration that was edited afterwards", async () => {
    const db = await testDatabase("migrate-edited");
    try {
      const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
      await expect(migrate(db.url, edited)).rejects.toThrow(/was changed after it was applied/);
    } finally {
      await db.drop();
    }
  });

  it("roll back a failing migration completely", async () => {
    const db = await testDatabase("migrate-broken");
    try {
      const broken = {
        name: "99999999999999_broken",
        checksum: "f".repeat(64),
        sql: 'CREATE TABLE "Half" (id int); SELECT no_such_function();',
      };
      await expect(migrate(db.url, [...readMigrations(), broken])).rejects.toThrow(/99999999999999_broken failed and was rolled back/);
      const leftovers = await withSchema(db.schema, async (c) => ({
        table: (await c.query(`SELECT to_regclass('"Half"') AS t`)).rows[0].t,
        recorded: (await c.query(`SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE migration_name = $1`, [broken.name])).rows[0].n,
      }));
      expect(leftovers).toEqual({ table: null, recorded: 0 });
    } finally {
      await db.drop();
    }
  });
});
