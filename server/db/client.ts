import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { getConfig } from "../config/load";
import { closeSql, createPool, getPool } from "./sql";
import { splitSchema } from "./url";

export type Db = PrismaClient;

/** A client with a pool of its own (tests, admin commands); the process's client is getDb(). */
export function createDb(url: string): Db {
  return new PrismaClient({ adapter: new PrismaPg(createPool(url), { schema: splitSchema(url).schema, disposeExternalPool: true }) });
}

const holder = globalThis as unknown as { __caxtonDb?: { url: string; db: Db } };

/**
 * The process's Prisma client, kept on globalThis so Next's hot reload and the several
 * bundles of one process (custom server, route handlers) share one pool — the same pool
 * the plain-SQL statements of server/db/sql.ts use.
 */
export function getDb(): Db {
  const url = getConfig().databaseUrl;
  if (!url) throw new Error("DATABASE_URL is not set: start Caxton with `npm start` (it provides one).");
  if (holder.__caxtonDb?.url !== url)
    holder.__caxtonDb = { url, db: new PrismaClient({ adapter: new PrismaPg(getPool(), { schema: splitSchema(url).schema }) }) };
  return holder.__caxtonDb.db;
}

export async function closeDb(): Promise<void> {
  const current = holder.__caxtonDb;
  holder.__caxtonDb = undefined;
  await current?.db.$disconnect();
  await closeSql();
}
