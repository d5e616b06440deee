import { createHash } from "node:crypto";
import pg from "pg";
import { getConfig } from "../config/load";
import { splitSchema } from "./url";

/**
 * Plain SQL over node-postgres, for the few statements on the path of every message.
 *
 * Why not Prisma there: its JS query engine spends 0.5-7 ms of CPU per query compiling and
 * mapping (measured: a findUnique 1.1 ms, a nested create several ms, the same SELECT over
 * pg 0.16 ms), and a message made ~15 of them, so one worker topped out near 50 messages/s.
 * Everything else keeps Prisma; these statements name the same tables and columns, and the
 * integration tests read what they write through Prisma.
 *
 * A row found by its key is checked against its workspace as `AND ("workspaceId" = $n) IS TRUE`:
 * the same condition, but one no index can serve, so the planner always takes the primary key
 * and checks the workspace on the row it found. Written plainly, an empty or unanalyzed table
 * ties the two indexes, and the plan a connection caches can be the workspace's
 * (workspaceId, createdAt) index, scanning all of its rows for every message.
 *
 * Prisma stores DateTime as `timestamp(3)` (no time zone) in UTC: writes here use
 * `now() AT TIME ZONE 'UTC'` and reads parse those columns as UTC, whatever the process's TZ.
 */

const TIMESTAMP_OID = 1114;
const parseUtc = (value: string) => new Date(`${value.replace(" ", "T")}Z`);

export const NOW_UTC = `(now() AT TIME ZONE 'UTC')`;

export function createPool(url: string): pg.Pool {
  const { connectionString, schema } = splitSchema(url);
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 3_000,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === TIMESTAMP_OID ? parseUtc : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return pool;
}

const holder = globalThis as unknown as { __caxtonSql?: { url: string; pool: pg.Pool } };

/** The process's pool: these statements and the Prisma client (server/db/client.ts) share it. */
export function getPool(): pg.Pool {
  const url = getConfig().databaseUrl;
  if (!url) throw new Error("DATABASE_URL is not set: start Caxton with `npm start` (it provides one).");
  if (holder.__caxtonSql?.url !== url) holder.__caxtonSql = { url, pool: createPool(url) };
  return holder.__caxtonSql.pool;
}

/**
 * Statements are prepared once per connection under a name derived from their text, so
 * Postgres parses and plans each of them once rather than on every message. The texts are
 * this code's fixed statements (values always go in as parameters), so the map stays small.
 */
const names = new Map<string, string>();
const nameOf = (text: string) => {
  let name = names.get(text);
  if (!name) names.set(text, (name = `cx_${createHash("sha1").update(text).digest("hex").slice(0, 16)}`));
  return name;
};

/**
 * Set when the server turns out to share one session between our connections (the embedded
 * PGlite behind pglite-socket does; so would a transaction-mode pooler): a statement
 * prepared "on another connection" is then already there, or missing. From then on this
 * process sends its statements unnamed.
 */
let unnamed = false;
const SESSION_SHARED = new Set(["42P05", "26000"]); // duplicate_prepared_statement, invalid_sql_statement_name

/** Runs one statement; `values` are bound as $1, $2, … (JSON goes in as `JSON.stringify(x)` with `$n::jsonb`). */
export async function sql<Row>(text: string, values: unknown[] = []): Promise<Row[]> {
  if (unnamed) return (await getPool().query(text, values)).rows as Row[];
  try {
    return (await getPool().query({ name: nameOf(text), text, values })).rows as Row[];
  } catch (error) {
    // Both errors come at Parse or Bind, before anything ran: sending it again is safe.
    if (!SESSION_SHARED.has((error as { code?: string }).code ?? "")) throw error;
    unnamed = true;
    return (await getPool().query(text, values)).rows as Row[];
  }
}

export async function closeSql(): Promise<void> {
  const current = holder.__caxtonSql;
  holder.__caxtonSql = undefined;
  await current?.pool.end();
}
