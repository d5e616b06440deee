import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { commands, groupSummaries } from "../cli/commands";
import { groups } from "../cli/help";
import { version } from "../server/version";
import { fromRoot } from "../server/platform/paths";
import { testDatabase } from "./support/env";

const caxton = (...args: string[]) =>
  spawnSync(process.execPath, [fromRoot("dist/caxton.mjs"), ...args], { encoding: "utf8", env: { ...process.env, DATABASE_URL: "" } });

describe("caxton CLI", () => {
  it("prints its version", () => {
    expect(caxton("--version").stdout.trim()).toBe(version);
    expect(JSON.parse(caxton("version", "--json").stdout)).toEqual({ version });
  });

  it("lists its commands in --help, as text and as JSON", () => {
    const help = caxton("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("serve");
    expect(help.stdout).toContain("db migrate");
    const json = JSON.parse(caxton("--help", "--json").stdout);
    expect(json.commands.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(["serve", "db migrate", "version"]));
  });

  it("suggests the closest command for a typo and exits 2", () => {
    const result = caxton("serv");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Unknown command "serv"');
    expect(result.stderr).toContain("Did you mean `caxton serve`?");
    const json = caxton("migrat", "--json");
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout).error.code).toBe("unknown_command");
  });

  it("explains what a command needs when it is missing", () => {
    const result = caxton("db", "migrate", "--json");
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: "config", message: "DATABASE_URL is not set." });
  });

  it("migrates a database", async () => {
    const db = await testDatabase("cli-migrate");
    try {
      const result = spawnSync(process.execPath, [fromRoot("dist/caxton.mjs"), "db", "migrate", "--json"], {
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: db.url },
      });
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ applied: [] }); // testDatabase already migrated it
    } finally {
      await db.drop();
    }
  });

  it("answers every group's help, however asked, with each of its commands (exit 0)", () => {
    expect([...groups().keys()].sort()).toEqual(Object.keys(groupSummaries).sort()); // every group has its one-line summary
    for (const [group, members] of groups()) {
      for (const ask of [[group], [group, "--help"], [group, "-h"], [group, "help"], ["help", group]]) {
        const result = caxton(...ask);
        expect(result.status, `caxton ${ask.join(" ")}: ${result.stderr}`).toBe(0);
        expect(result.stdout).toContain(`Usage: caxton ${group} <command>`);
        expect(result.stdout).toContain(groupSummaries[group]);
        for (const command of members) {
          expect(result.stdout).toContain(command.usage);
          expect(result.stdout).toContain(command.summary);
        }
      }
      expect(JSON.parse(caxton("--help", "--json").stdout).groups).toContainEqual({ name: group, summary: groupSummaries[group] });
      const json = JSON.parse(caxton(group, "--json").stdout);
      expect(json.commands.map((c: { name: string }) => c.name)).toEqual(members.map((c) => c.name));
    }
  });

  it("prints each command's usage and options for --help, -h and `caxton help <command>`", () => {
    for (const command of commands) {
      const words = command.name.split(" ");
      for (const ask of [
        [...words, "--help"],
        ["help", ...words],
      ]) {
        const result = caxton(...ask);
        expect(result.status, `caxton ${ask.join(" ")}: ${result.stderr}`).toBe(0);
        expect(result.stdout).toContain(`Usage: caxton ${command.usage}`);
        for (const option of command.options ?? []) expect(result.stdout).toContain(`--${option.name}`);
      }
    }
    expect(caxton("tokens", "create", "-h").stdout).toContain("--scopes <a,b>");
  });

  it("suggests an existing subcommand or group for a typo (exit 2) and lists the group's commands", () => {
    const cases: [string[], string][] = [
      [["agent", "lsit"], "Did you mean `caxton agent list`?"],
      [["agnet", "list"], "Did you mean `caxton agent list`?"],
      [["tokens", "revok"], "Did you mean `caxton tokens revoke`?"],
      [["secrets", "list"], "Did you mean `caxton secret list`?"],
      [["tool", "invocation"], "Did you mean `caxton tool invocations`?"],
      [["agnet"], "Did you mean `caxton agent`?"],
    ];
    for (const [words, hint] of cases) {
      const result = caxton(...words);
      expect(result.status, words.join(" ")).toBe(2);
      expect(result.stderr).toContain(`Unknown command "${words.join(" ")}".`);
      expect(result.stderr).toContain(hint);
    }
    const nothingClose = caxton("agent", "tets");
    expect(nothingClose.status).toBe(2);
    expect(nothingClose.stderr).toContain("`caxton agent` has: validate, push, list,");
    expect(nothingClose.stderr).toContain("Run `caxton agent --help`.");
    expect(caxton("agent", "tets", "--help").status).toBe(2);
  });

  it("suggests the closest option for an unknown one, the global ones included", () => {
    const typo = caxton("agent", "diff", "x", "--form", "1");
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("Unknown option --form for `caxton agent diff`.");
    expect(typo.stderr).toContain("Did you mean --from?");
    expect(caxton("agent", "list", "--jsn").stderr).toContain("Did you mean --json?");
    expect(caxton("agent", "--jsn").stderr).toContain("Did you mean --json?");
  });

  it("documents in `send --help` what happens without --wait", () => {
    const help = caxton("send", "--help").stdout;
    expect(help).toContain("--wait [<s>]");
    expect(help).toContain("--no-wait");
    expect(help).toContain("Without --wait (or with a bare --wait), send waits up to 30 s for the reply.");
    expect(help).toContain("it prints the message's id, conversation and status");
  });

  it("refuses a --wait that is not seconds from 0 to 60 before sending", () => {
    for (const bad of ["--wait=abc", "--wait=61", "--wait=-1", "--wait="]) {
      const result = caxton("send", "cap", "text", bad, "--json");
      expect(result.status, bad).toBe(2);
      expect(JSON.parse(result.stdout).error.message).toContain("is not a number of seconds from 0 to 60");
    }
  });
});
