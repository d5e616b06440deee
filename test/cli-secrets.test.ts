import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearConfigCache } from "../server/config/load";
import { closeDb } from "../server/db/client";
import { readSecretForRuntime } from "../server/secrets/secrets";
import { startCliEnvironment } from "./support/cli";
import { TEST_AUTH_SECRET } from "./support/env";

/** `caxton secret …` against the whole platform, as a thin client of /api/v1/secrets. */
let environment: Awaited<ReturnType<typeof startCliEnvironment>>;
const cli = (args: string[], input?: string) => environment.cli(environment.tempDir(), args, { input });

const VALUE = "sk-cli-secret-0123456789";

beforeAll(async () => {
  environment = await startCliEnvironment("cli-secrets");
});
afterAll(async () => {
  await environment?.stop();
});

/** What the API (not the CLI) says the workspace has. */
async function apiSecrets(): Promise<{ name: string; setBy: string | null }[]> {
  const response = await fetch(`${environment.caxton.url}/api/v1/secrets`, { headers: { authorization: `Bearer ${environment.token}` } });
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(text).not.toContain(VALUE);
  return (JSON.parse(text) as { items: { name: string; setBy: string | null }[] }).items;
}

describe("caxton secret", () => {
  it("lists nothing at first, and says what secrets are for", () => {
    const list = cli(["secret", "list"]);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain("No secrets");
    expect(list.stdout).toContain("api_key_secret");
  });

  it("sets a value from --value and from stdin, never printing it", async () => {
    const fromFlag = cli(["secret", "set", "FLAG_KEY", "--value", VALUE]);
    expect(fromFlag.status, fromFlag.stderr).toBe(0);
    expect(fromFlag.stdout).toContain("Set secret FLAG_KEY");
    // A piped value loses the one trailing newline `echo` adds.
    const piped = cli(["secret", "set", "PIPED_KEY"], `${VALUE}\n`);
    expect(piped.status, piped.stderr).toBe(0);
    expect(`${piped.stdout}${piped.stderr}${fromFlag.stdout}${fromFlag.stderr}`).not.toContain(VALUE);
    expect((await apiSecrets()).map((s) => s.name)).toEqual(["FLAG_KEY", "PIPED_KEY"]);

    const list = cli(["secret", "list"]);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/FLAG_KEY\s+\d{4}-\d\d-\d\d \d\d:\d\dZ\s+token /);
    expect(list.stdout).toContain("PIPED_KEY");
    expect(list.stdout).not.toContain(VALUE);
    const json = cli(["secret", "list", "--json"]);
    expect(json.json().items.map((s: { name: string }) => s.name)).toEqual(["FLAG_KEY", "PIPED_KEY"]);
  });

  it("stores exactly what was piped, without the trailing newline", async () => {
    const me = (await (
      await fetch(`${environment.caxton.url}/api/v1/me`, { headers: { authorization: `Bearer ${environment.token}` } })
    ).json()) as { workspace: { id: string } };
    // This process reads the platform's own database, with the key its processes use.
    const saved = { DATABASE_URL: process.env.DATABASE_URL, AUTH_SECRET: process.env.AUTH_SECRET };
    Object.assign(process.env, { DATABASE_URL: environment.databaseUrl, AUTH_SECRET: TEST_AUTH_SECRET });
    clearConfigCache();
    try {
      expect(await readSecretForRuntime(me.workspace.id, "PIPED_KEY")).toBe(VALUE);
      expect(await readSecretForRuntime(me.workspace.id, "FLAG_KEY")).toBe(VALUE);
      const multiLine = cli(["secret", "set", "PEM_KEY"], "line one\nline two\n");
      expect(multiLine.status, multiLine.stderr).toBe(0);
      expect(await readSecretForRuntime(me.workspace.id, "PEM_KEY")).toBe("line one\nline two");
      expect(cli(["secret", "delete", "PEM_KEY", "--yes"]).status).toBe(0);
    } finally {
      await closeDb();
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      clearConfigCache();
    }
  });

  it("refuses a bad name, an empty value, and an unconfirmed delete in a script", async () => {
    const badName = cli(["secret", "set", "lower", "--value", "x"]);
    expect(badName.status).toBe(2);
    expect(badName.stderr).toContain("uppercase letters");
    const empty = cli(["secret", "set", "EMPTY_KEY"]);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain("No value for EMPTY_KEY");
    const unconfirmed = cli(["secret", "delete", "FLAG_KEY"]);
    expect(unconfirmed.status).toBe(2);
    expect(unconfirmed.stderr).toContain("--yes");
    expect((await apiSecrets()).map((s) => s.name)).toEqual(["FLAG_KEY", "PIPED_KEY"]);
  });

  it("deletes with --yes, and a missing name exits 4 with a hint", async () => {
    const removed = cli(["secret", "delete", "FLAG_KEY", "--yes"]);
    expect(removed.status, removed.stderr).toBe(0);
    expect(removed.stdout).toContain("Deleted secret FLAG_KEY");
    expect((await apiSecrets()).map((s) => s.name)).toEqual(["PIPED_KEY"]);
    const missing = cli(["secret", "delete", "FLAG_KEY", "--yes"]);
    expect(missing.status).toBe(4);
    expect(missing.stderr).toContain('no secret "FLAG_KEY"');
    expect(missing.stderr).toContain("caxton secret list");
  });
});
