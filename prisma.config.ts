import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import type { PrismaConfig } from "prisma";

// Prisma 7's CLI needs a schema-engine binary npm does not ship, and 6.x's classic engine
// is not downloadable here: the JS engine with the pg adapter is what works.
export default {
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) {
      throw new Error("DATABASE_URL is not set: point it at the PostgreSQL database to migrate.");
    }
    return new PrismaPg({ connectionString });
  },
} satisfies PrismaConfig;
