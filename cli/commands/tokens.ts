import { requiredFlag, stringFlag } from "../args";
import { scopes as allScopes } from "../../server/auth/permissions";
import { connect, type Me } from "../api-client";
import type { Command } from "../command";
import { CliFailure, exitCodes, usageError } from "../errors";
import { printNote, printResult } from "../output";
import { shortDate, table } from "../table";
import { parseExpiry, parseScopes, validScopesHint } from "../validate";

interface TokenView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  userId: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export const SHOWN_ONCE = "This is the only time the token is shown: store it now (e.g. in a password manager or CI secret).";

const tokensPath = (slug: string) => `/workspaces/${encodeURIComponent(slug)}/tokens`;

export const tokenCommands: Command[] = [
  {
    name: "tokens create",
    usage: "tokens create --name <name> --scopes <a,b> [--expires <date>]",
    summary: "Create an API token in the current workspace; prints it once.",
    details:
      "In text mode the token is the only thing on stdout (TOKEN=$(caxton tokens create ...) works);\n" +
      "the rest goes to stderr. Without --expires the token does not expire.",
    options: [
      { name: "name", value: "name", description: "what the token is for, e.g. ci" },
      { name: "scopes", value: "a,b", repeatable: true, description: "comma-separated scopes (or repeat --scopes)" },
      { name: "expires", value: "date", description: "ISO 8601 expiry, e.g. 2027-01-31 or 2027-01-31T18:00:00Z" },
    ],
    async run(args, out) {
      // Everything the user typed is checked before the first request.
      const name = requiredFlag(args, "name", "name", 'Name what the token is for, e.g. --name "ci deploy".');
      if (name.length > 80) throw usageError(`--name is ${name.length} characters long; the limit is 80.`, "Use a shorter name.");
      const scopeList = stringFlag(args, "scopes", "a,b");
      if (scopeList === undefined) throw usageError("--scopes <a,b> is required.", validScopesHint);
      const scopes = parseScopes(scopeList);
      const expiresRaw = stringFlag(args, "expires", "date");
      const expiresAt = expiresRaw === undefined ? undefined : parseExpiry(expiresRaw);
      const client = connect();
      const me = await client.get<Me>("/me");
      const created = await client.request<TokenView & { token: string }>("POST", tokensPath(me.workspace.slug), {
        name,
        scopes,
        ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
      });
      if (out.json) {
        printResult(out, { ...created, warning: SHOWN_ONCE }, "");
      } else {
        printNote(
          `Created API token "${created.name}" (id ${created.id}) in workspace "${me.workspace.slug}", ` +
            `scopes ${created.scopes.join(", ")}, ${created.expiresAt ? `expires ${created.expiresAt}` : "does not expire"}.`,
        );
        printResult(out, created, created.token);
        printNote(`warning: ${SHOWN_ONCE}`);
      }
      return 0;
    },
  },
  {
    name: "tokens list",
    usage: "tokens list",
    summary: "List API tokens (owners and admins see everyone's, members their own).",
    async run(_args, out) {
      const client = connect();
      const me = await client.get<Me>("/me");
      const items = await client.listAll<TokenView>(tokensPath(me.workspace.slug));
      printResult(
        out,
        { items },
        items.length
          ? table(
              ["id", "name", "prefix", "scopes", "created", "last used", "expires", "revoked"],
              items.map((t) => [
                t.id,
                t.name,
                `${t.prefix}…`,
                t.scopes.length === allScopes.length && allScopes.every((scope) => t.scopes.includes(scope)) ? "all" : t.scopes.join(","),
                shortDate(t.createdAt),
                t.lastUsedAt ? shortDate(t.lastUsedAt) : "never",
                t.expiresAt ? shortDate(t.expiresAt) : "never",
                shortDate(t.revokedAt),
              ]),
            )
          : "No API tokens.",
      );
      return 0;
    },
  },
  {
    name: "tokens revoke",
    usage: "tokens revoke <id>",
    summary: "Revoke an API token (its id is in `caxton tokens list`).",
    arguments: ["id"],
    async run(args, out) {
      const id = args.positionals[0]!;
      const client = connect();
      const me = await client.get<Me>("/me");
      const revoked = await client
        .request<TokenView>("DELETE", `${tokensPath(me.workspace.slug)}/${encodeURIComponent(id)}`)
        .catch((error: unknown) => {
          if (error instanceof CliFailure && error.exitCode === exitCodes.notFound && !error.error.hint) {
            throw new CliFailure(exitCodes.notFound, {
              ...error.error,
              hint: "`caxton tokens list` shows the ids of the tokens you can revoke.",
            });
          }
          throw error;
        });
      printResult(out, revoked, `Revoked API token "${revoked.name}" (id ${revoked.id}) at ${revoked.revokedAt}.`);
      // The prefix is the token's first 8 characters: enough to tell the user they cut their own branch.
      if (client.credentials.token.startsWith(revoked.prefix)) {
        printNote("note: that was the token this CLI uses; log in with another one (caxton login).");
      }
      return 0;
    },
  },
];
