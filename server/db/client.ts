import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { getConfig } from "../config/load";
import { splitSchema } from "./url";

export type Db = PrismaClient;

export function createDb(url: string): Db {
  const { connectionString, schema } = splitSchema(url);
  // Short connect timeout: health checks and start-up must not hang on a dead database.
  const adapter = new PrismaPg({ connectionString, connectionTimeoutMillis: 3_000, max: 10 }, { schema });
  return new PrismaClient({ adapter });
}

const holder = globalThis as unknown as { __caxtonDb?: { url: string; db: Db } };

/**
 * The process's Prisma client, kept on globalThis so Next's hot reload and the several
 * bundles of one process (custom server, route handlers) share one pool.
 */
export function getDb(): Db {
  const url = getConfig().databaseUrl;
  if (!url) throw new Error("DATABASE_URL is not set: start Caxton with `npm start` (it provides one).");
  if (holder.__caxtonDb?.url !== url) holder.__caxtonDb = { url, db: createDb(url) };
  return holder.__caxtonDb.db;
}

export async function closeDb(): Promise<void> {
  const current = holder.__caxtonDb;
  holder.__caxtonDb = undefined;
  await current?.db.$disconnect();
}
