import { requiredFlag, stringFlag } from "../args";
import type { Command } from "../command";
import { CliFailure, exitCodes, usageError } from "../errors";
import { utcText } from "../../server/lib/time";
import { printNote, printResult } from "../output";
import { checkEmail, checkSlug } from "../validate";
import { SHOWN_ONCE } from "./tokens";

/**
 * Operator commands that work on the database directly (DATABASE_URL), for the moments no
 * token exists yet. The server modules (Prisma, config) are imported only here, lazily.
 */
async function withDatabase<T>(command: string, work: () => Promise<T>): Promise<T> {
  const { ConfigError, getConfig, clearConfigCache } = await import("../../server/config/load");
  let url: string | undefined;
  try {
    url = getConfig().databaseUrl;
    if (!url) {
      // No DATABASE_URL: the embedded database of a Caxton running from this folder, if any.
      const { readRunningState } = await import("../../server/platform/running-state");
      const running = readRunningState(getConfig().dataDir);
      if (running) {
        url = process.env.DATABASE_URL = running.databaseUrl;
        clearConfigCache();
        printNote(`Using the database of the Caxton running at ${running.url} (pid ${running.pid}).`);
      }
    }
  } catch (error) {
    if (error instanceof ConfigError)
      throw new CliFailure(exitCodes.error, {
        code: "config",
        message: error.message,
        hint: "Fix the settings named above (environment or caxton.toml).",
      });
    throw error;
  }
  if (!url) {
    throw new CliFailure(exitCodes.error, {
      code: "config",
      message: `DATABASE_URL is not set and no Caxton is running from this folder: \`caxton ${command}\` works on the database directly.`,
      hint: `Set it to the database your Caxton server uses, e.g. DATABASE_URL=postgresql://user@127.0.0.1:5432/caxton caxton ${command} ...`,
    });
  }
  const { closeDb } = await import("../../server/db/client");
  const { closeRedis } = await import("../../server/redis");
  try {
    return await work();
  } catch (error) {
    throw await databaseFailure(error, url);
  } finally {
    // Open pools keep the process alive until they are closed: the database's, and Redis's
    // when the work announced a change (a new workspace's sample tools).
    await Promise.all([closeDb(), closeRedis()]);
  }
}

/** Prisma's and pg's errors, in the CLI's words. */
async function databaseFailure(error: unknown, url: string): Promise<unknown> {
  if (error instanceof CliFailure) return error;
  const { ZodError } = await import("zod");
  if (error instanceof ZodError) return usageError(error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  const { AppError } = await import("../../server/lib/errors");
  if (error instanceof AppError) {
    const { exitCodeForStatus } = await import("../api-client");
    return new CliFailure(exitCodeForStatus(error.status), {
      code: error.code,
      message: error.message,
      ...(error.extra.hint ? { hint: error.extra.hint } : {}),
    });
  }
  const { redactUrl } = await import("../../server/observability/logger");
  const where = redactUrl(url);
  const text = `${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? "")}`;
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|timeout exceeded when trying to connect|Can't reach database/i.test(text)) {
    return new CliFailure(exitCodes.unreachable, {
      code: "database_unreachable",
      message: `Cannot reach the database at ${where}.`,
      hint: "Check DATABASE_URL and that PostgreSQL is running.",
    });
  }
  if ((error as { code?: string }).code === "P2021" || /does not exist in the current database|relation .* does not exist/i.test(text)) {
    return new CliFailure(exitCodes.error, {
      code: "not_migrated",
      message: `The database at ${where} has no Caxton tables yet.`,
      hint: "Run `caxton db migrate` (or start the server once), then try again.",
    });
  }
  return error;
}

export const adminCommands: Command[] = [
  {
    name: "admin bootstrap",
    usage: "admin bootstrap --email <email> --workspace <slug>",
    summary: "Make sure a user owns a workspace and print a new owner token (uses DATABASE_URL).",
    details:
      "Creates the user and the workspace when they do not exist, and makes the user its owner.\n" +
      "Safe to run again: each run mints one more owner token with every scope.\n" +
      "In text mode the token is the only thing on stdout; the rest goes to stderr.",
    options: [
      { name: "email", value: "email", description: "the owner's email address" },
      { name: "workspace", value: "slug", description: "the workspace's slug, e.g. acme" },
      { name: "token-name", value: "name", description: 'name of the new token (default "bootstrap")' },
    ],
    async run(args, out) {
      const email = checkEmail(
        requiredFlag(args, "email", "email", "e.g. caxton admin bootstrap --email ada@example.com --workspace acme"),
      );
      const workspace = checkSlug(
        requiredFlag(args, "workspace", "slug", "e.g. caxton admin bootstrap --email ada@example.com --workspace acme"),
      );
      const tokenName = stringFlag(args, "token-name", "name");
      const result = await withDatabase("admin bootstrap", async () => {
        const { bootstrap } = await import("../../server/auth/bootstrap");
        return bootstrap({ email, workspace, ...(tokenName !== undefined ? { tokenName } : {}) });
      });
      if (out.json) {
        printResult(out, { ...result, warning: SHOWN_ONCE }, "");
      } else {
        printNote(
          `${result.workspace.created ? "Created workspace" : "Workspace"} "${result.workspace.slug}"; ${email} is its ${result.role}.\n` +
            `New owner token with every scope (id ${result.tokenId}):`,
        );
        printResult(out, result, result.token);
        printNote(`warning: ${SHOWN_ONCE}\nUse it with: caxton login --url <server> --token <token>`);
      }
      return 0;
    },
  },
  {
    name: "admin login-link",
    usage: "admin login-link",
    summary: "Print a new single-use local operator sign-in link (uses DATABASE_URL).",
    details:
      "The link is valid for 15 minutes and works once. Its address comes from CAXTON_PUBLIC_URL,\n" +
      "else http://localhost:<PORT, default 8080>. The server must allow local operator sign-in\n" +
      "(CAXTON_LOCAL_OPERATOR, on by default while no GitHub app is configured).",
    async run(_args, out) {
      const { link, enabled } = await withDatabase("admin login-link", async () => {
        const { mintOperatorLink, operatorSignInEnabled } = await import("../../server/auth/operator");
        return { link: await mintOperatorLink(), enabled: operatorSignInEnabled() };
      });
      const expiresAt = link.expiresAt.toISOString();
      printResult(out, { url: link.url, expiresAt }, link.url);
      if (!out.json) printNote(`Single use, valid until ${utcText(link.expiresAt)}.`);
      if (!enabled) {
        printNote(
          "warning: local operator sign-in looks turned off with this configuration (GitHub is configured or CAXTON_LOCAL_OPERATOR=off); the server will refuse the link unless it allows it.",
        );
      }
      return 0;
    },
  },
];
