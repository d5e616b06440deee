import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
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
});
