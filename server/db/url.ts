/**
 * Splits Prisma's `?schema=name` convention off a PostgreSQL URL: node-postgres would send
 * it to the server as an unknown setting. Caxton honours it (search_path) so several
 * installs, or test suites, can share one database.
 */
export function splitSchema(url: string): { connectionString: string; schema?: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`DATABASE_URL ?schema=${schema} is not a plain identifier: use letters, digits and _.`);
  }
  return { connectionString: parsed.toString(), schema };
}
