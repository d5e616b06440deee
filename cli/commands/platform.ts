import type { Command } from "../command";
import { printError, printResult } from "../output";

export const platformCommands: Command[] = [
  {
    name: "serve",
    usage: "serve [--dev]",
    summary: "Run the platform (web + worker), as `npm start` does.",
    details:
      "Uses DATABASE_URL and REDIS_URL when set; otherwise starts an embedded PostgreSQL and\n" +
      "redis-server with their data in .caxton/. Configuration: caxton.toml and environment.",
    options: [{ name: "dev", description: "Next.js dev server, TypeScript sources, readable logs" }],
    async run(args) {
      const { serve } = await import("../../server/platform/serve");
      return serve({ dev: args.flags.dev === true });
    },
  },
  {
    name: "db migrate",
    usage: "db migrate",
    summary: "Apply pending database migrations to DATABASE_URL.",
    async run(_args, out) {
      const url = process.env.DATABASE_URL;
      if (!url) {
        printError(out, {
          code: "config",
          message: "DATABASE_URL is not set.",
          hint: "Set it, e.g. DATABASE_URL=postgresql://user@127.0.0.1:5432/caxton caxton db migrate (`caxton serve` migrates by itself).",
        });
        return 1;
      }
      const { migrate } = await import("../../server/db/migrate");
      try {
        const result = await migrate(url);
        printResult(
          out,
          result,
          result.applied.length
            ? `Applied ${result.applied.length} migration(s):\n${result.applied.map((m) => `  ${m}`).join("\n")}`
            : `Database is up to date (${result.alreadyApplied} migration(s) applied before).`,
        );
        return 0;
      } catch (error) {
        printError(out, { code: "migration_failed", message: (error as Error).message });
        return 1;
      }
    },
  },
  {
    name: "version",
    usage: "version",
    summary: "Print the version.",
    async run(_args, out) {
      const { version } = await import("../../server/version");
      printResult(out, { version }, version);
      return 0;
    },
  },
];
