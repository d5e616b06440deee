import { stringFlag } from "../args";
import { ApiClient, type Me } from "../api-client";
import type { Command } from "../command";
import { removeCredentials, resolveCredentials, saveCredentials } from "../credentials";
import { CliFailure, exitCodes, usageError } from "../errors";
import { printNote, printResult } from "../output";
import { checkToken, parseServerUrl } from "../validate";

const describeUser = (user: Me["user"]) =>
  user.name && user.email ? `${user.name} <${user.email}>` : (user.email ?? user.name ?? user.id);

/** Environment overrides apply to every command; say so when they hide what was just saved. */
function noteOverrides(): void {
  const set = ["CAXTON_URL", "CAXTON_TOKEN"].filter((name) => process.env[name]);
  if (set.length)
    printNote(
      `note: ${set.join(" and ")} ${set.length > 1 ? "are" : "is"} set and ${set.length > 1 ? "override" : "overrides"} the saved login.`,
    );
}

export const sessionCommands: Command[] = [
  {
    name: "login",
    usage: "login --url <server> --token <token>",
    summary: "Check an API token against a server and save both for later commands.",
    details:
      "Saved to $XDG_CONFIG_HOME/caxton/config.json (default ~/.config/caxton/config.json), mode 0600.\n" +
      "Without --url or --token, CAXTON_URL or CAXTON_TOKEN is used (keeps the token out of shell history).",
    options: [
      { name: "url", value: "server", description: "base address of the server, e.g. http://localhost:8080" },
      { name: "token", value: "token", description: "an API token (cx_...)" },
    ],
    async run(args, out) {
      const flagUrl = stringFlag(args, "url", "server");
      const flagToken = stringFlag(args, "token", "token");
      const rawUrl = flagUrl ?? process.env.CAXTON_URL;
      const rawToken = flagToken ?? process.env.CAXTON_TOKEN;
      if (!rawUrl) throw usageError("--url <server> is required.", "e.g. caxton login --url http://localhost:8080 --token cx_...");
      if (!rawToken) {
        throw usageError(
          "--token <token> is required.",
          "Create one in the dashboard (Settings → API tokens) or with `caxton admin bootstrap`, or set CAXTON_TOKEN.",
        );
      }
      const url = parseServerUrl(rawUrl, flagUrl !== undefined ? "--url" : "CAXTON_URL");
      const token = checkToken(rawToken, flagToken !== undefined ? "--token" : "CAXTON_TOKEN");
      let me: Me;
      try {
        me = await new ApiClient({ url, token }).get<Me>("/me");
      } catch (error) {
        if (error instanceof CliFailure && error.exitCode === exitCodes.notFound) {
          throw new CliFailure(exitCodes.notFound, {
            ...error.error,
            hint: `Is ${url} the base address of a Caxton server? Give it without /api/v1, e.g. http://localhost:8080.`,
          });
        }
        throw error;
      }
      const file = saveCredentials({ url, token });
      printResult(
        out,
        { url, configFile: file, user: me.user, workspace: me.workspace, role: me.role, scopes: me.scopes },
        `Logged in to ${url} as ${describeUser(me.user)}, ${me.role} of workspace "${me.workspace.slug}".\nSaved to ${file}.`,
      );
      if (flagUrl !== undefined || flagToken !== undefined) noteOverrides();
      return 0;
    },
  },
  {
    name: "logout",
    usage: "logout",
    summary: "Forget the saved server and token.",
    async run(_args, out) {
      const { file, removed } = removeCredentials();
      printResult(out, { configFile: file, removed }, removed ? `Logged out: removed ${file}.` : `Not logged in (no ${file}).`);
      noteOverrides();
      return 0;
    },
  },
  {
    name: "whoami",
    usage: "whoami",
    summary: "Show the user, workspace, role and scopes of the token in use.",
    async run(_args, out) {
      const credentials = resolveCredentials();
      const me = await new ApiClient(credentials).get<Me>("/me");
      const { url, tokenFrom } = credentials;
      printResult(
        out,
        { ...me, url },
        [
          `User:       ${describeUser(me.user)}`,
          `Workspace:  ${me.workspace.slug}`,
          `Role:       ${me.role}`,
          `Scopes:     ${me.scopes.join(", ") || "(none)"}`,
          `Server:     ${url} (token from ${tokenFrom})`,
        ].join("\n"),
      );
      return 0;
    },
  },
];
