import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { TOKEN_PATTERN as cliTokenPattern } from "../cli/validate";
import { TOKEN_PATTERN as serverTokenPattern } from "../server/auth/actor";
import { scopes } from "../server/auth/permissions";
import { splitSchema } from "../server/db/url";
import { fromRoot } from "../server/platform/paths";
import { freePort } from "../server/platform/ports";
import { startCaxton, testDatabase, uniqueName, type RunningCaxton } from "./support/env";

/**
 * The `caxton` CLI's identity commands against the whole platform (dist/ build, real
 * PostgreSQL and Redis): `admin bootstrap` on the database, everything else over REST.
 */
let database: Awaited<ReturnType<typeof testDatabase>>;
let caxton: RunningCaxton;
const scratch: string[] = [];

beforeAll(async () => {
  database = await testDatabase("cli-identity");
  caxton = await startCaxton({
    DATABASE_URL: database.url,
    REDIS_URL: inject("redisUrl"),
    CAXTON_REDIS_PREFIX: `test:${uniqueName("cli-identity")}`,
  });
});
afterAll(async () => {
  await caxton?.stop();
  await database?.drop();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A private home for one test: its own config folder, and a cwd without caxton.toml. */
function home() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "caxton-cli-"));
  scratch.push(dir);
  return { dir, config: path.join(dir, "xdg"), file: path.join(dir, "xdg", "caxton", "config.json") };
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  json(): { error?: { code: string; message: string; hint?: string } } & Record<string, unknown>;
}

function cli(where: ReturnType<typeof home>, args: string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [fromRoot("dist/caxton.mjs"), ...args], {
    cwd: where.dir,
    encoding: "utf8",
    timeout: 20_000,
    env: {
      ...process.env,
      HOME: where.dir,
      XDG_CONFIG_HOME: where.config,
      CAXTON_URL: "",
      CAXTON_TOKEN: "",
      DATABASE_URL: "",
      CAXTON_CONFIG: "",
      ...env,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, json: () => JSON.parse(result.stdout) };
}

/** `caxton admin bootstrap` for a fresh workspace; returns its owner token. */
function bootstrap(where: ReturnType<typeof home>, label: string) {
  const workspace = uniqueName(label).replace(/_/g, "-");
  const run = cli(where, ["admin", "bootstrap", "--email", `${workspace}@example.com`, "--workspace", workspace, "--json"], {
    DATABASE_URL: database.url,
  });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  return { workspace, email: `${workspace}@example.com`, token: run.json().token as string };
}

/**
 * GET /api/v1/me with the token, on a new connection: spawnSync blocks this process's event
 * loop, so a pooled keep-alive socket (fetch) may have been closed by the server meanwhile.
 */
function me(token: string): Promise<{ status: number; json(): unknown }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${caxton.url}/api/v1/me`, { agent: false, headers: { authorization: `Bearer ${token}` } }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, json: () => JSON.parse(body) }));
    });
    request.on("error", reject);
  });
}

describe("caxton admin bootstrap", () => {
  it("creates the user and the workspace and prints a working owner token, and can run again", async () => {
    const where = home();
    const args = ["admin", "bootstrap", "--email", "ada@example.com", "--workspace", "ada-labs"];
    const first = cli(where, args, { DATABASE_URL: database.url });
    expect(first.status, first.stderr).toBe(0);
    // Text mode: the token alone on stdout, the explanation and the warning on stderr.
    const token = first.stdout.trim();
    expect(token).toMatch(cliTokenPattern);
    expect(first.stderr).toContain('Created workspace "ada-labs"; ada@example.com is its owner.');
    expect(first.stderr).toContain("only time the token is shown");

    const response = await me(token);
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({
      user: { email: "ada@example.com" },
      workspace: { slug: "ada-labs" },
      role: "owner",
      scopes: [...scopes],
    });

    const again = cli(where, [...args, "--json"], { DATABASE_URL: database.url });
    expect(again.status, again.stderr).toBe(0);
    const second = again.json();
    expect(second).toMatchObject({ user: { email: "ada@example.com" }, workspace: { slug: "ada-labs", created: false }, role: "owner" });
    expect(second.token).not.toBe(token);
    expect((await me(second.token as string)).status).toBe(200);
    expect((await me(token)).status).toBe(200); // the first token still works
  });

  it("names DATABASE_URL when it is missing, and refuses bad input before touching a database", () => {
    const where = home();
    const missing = cli(where, ["admin", "bootstrap", "--email", "ada@example.com", "--workspace", "acme", "--json"]);
    expect(missing.status).toBe(1);
    expect(missing.json().error).toMatchObject({ code: "config", message: expect.stringContaining("DATABASE_URL is not set") });
    expect(missing.json().error!.hint).toContain("DATABASE_URL=postgresql://");

    const text = cli(where, ["admin", "login-link"]);
    expect(text.status).toBe(1);
    expect(text.stderr).toMatch(/^error: DATABASE_URL is not set/);

    const badEmail = cli(where, ["admin", "bootstrap", "--email", "not-an-email", "--workspace", "acme"], { DATABASE_URL: database.url });
    expect(badEmail.status).toBe(2);
    expect(badEmail.stderr).toContain('--email "not-an-email" is not an email address.');
    const badSlug = cli(where, ["admin", "bootstrap", "--email", "ada@example.com", "--workspace", "Not A Slug"], {
      DATABASE_URL: database.url,
    });
    expect(badSlug.status).toBe(2);
    expect(badSlug.stderr).toContain("is not a valid workspace slug");
  });

  it("says the database cannot be reached (exit 6)", async () => {
    const where = home();
    const run = cli(where, ["admin", "bootstrap", "--email", "ada@example.com", "--workspace", "acme", "--json"], {
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${await freePort()}/caxton`,
    });
    expect(run.status).toBe(6);
    expect(run.json().error).toMatchObject({ code: "database_unreachable", hint: expect.stringContaining("DATABASE_URL") });
  });

  it("mints a local operator sign-in link on CAXTON_PUBLIC_URL", () => {
    const where = home();
    const run = cli(where, ["admin", "login-link", "--json"], {
      DATABASE_URL: database.url,
      CAXTON_PUBLIC_URL: "https://caxton.example.com/",
    });
    expect(run.status, run.stderr).toBe(0);
    const link = run.json();
    expect(link.url).toMatch(/^https:\/\/caxton\.example\.com\/signin\/local\?token=cxo_[A-Za-z0-9_-]{32}$/);
    expect(Date.parse(link.expiresAt as string)).toBeGreaterThan(Date.now());
    const text = cli(where, ["admin", "login-link"], { DATABASE_URL: database.url });
    expect(text.stderr).toMatch(/^Single use, valid until \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\.$/m);
  });
});

describe("caxton login, whoami, workspaces list", () => {
  it("checks the token, stores it with mode 0600 and tells who you are", () => {
    const where = home();
    const owner = bootstrap(where, "login");
    const login = cli(where, ["login", "--url", `${caxton.url}/`, "--token", owner.token]);
    expect(login.status, login.stderr).toBe(0);
    expect(login.stdout).toContain(`as ${owner.workspace} <${owner.email}>, owner of workspace "${owner.workspace}"`);
    expect(statSync(where.file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(where.file)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(where.file, "utf8"))).toEqual({ url: caxton.url, token: owner.token }); // trailing slash dropped

    const whoami = cli(where, ["whoami"]);
    expect(whoami.status).toBe(0);
    expect(whoami.stdout).toContain(`User:       ${owner.workspace} <${owner.email}>`);
    expect(whoami.stdout).toContain(`Workspace:  ${owner.workspace}`);
    expect(whoami.stdout).toContain("Role:       owner");
    expect(whoami.stdout).toContain(`Scopes:     ${scopes.join(", ")}`);

    const json = cli(where, ["whoami", "--json"]);
    expect(json.status).toBe(0);
    expect(json.json()).toMatchObject({
      user: { email: owner.email },
      workspace: { slug: owner.workspace },
      role: "owner",
      scopes: [...scopes],
      url: caxton.url,
    });

    const workspaces = cli(where, ["workspaces", "list", "--json"]);
    expect(workspaces.status).toBe(0);
    expect(workspaces.json().items).toEqual([expect.objectContaining({ slug: owner.workspace, role: "owner", personal: false })]);
    const table = cli(where, ["workspaces", "list"]).stdout.split("\n");
    expect(table[0]).toMatch(/^SLUG\s+NAME\s+ROLE\s+PERSONAL\s+CREATED$/);
    expect(table[1]).toMatch(new RegExp(`^${owner.workspace}\\s+${owner.workspace}\\s+owner\\s+no\\s+\\d{4}-\\d{2}-\\d{2} `));

    const logout = cli(where, ["logout"]);
    expect(logout.status).toBe(0);
    expect(existsSync(where.file)).toBe(false);
    expect(cli(where, ["whoami"]).status).toBe(3);
  });

  it("uses ~/.config/caxton/config.json without XDG_CONFIG_HOME", () => {
    const where = home();
    const owner = bootstrap(where, "xdg");
    expect(cli(where, ["login", "--url", caxton.url, "--token", owner.token], { XDG_CONFIG_HOME: "" }).status).toBe(0);
    expect(JSON.parse(readFileSync(path.join(where.dir, ".config", "caxton", "config.json"), "utf8")).token).toBe(owner.token);
  });

  it("refuses a malformed token, a bad URL and a token the server does not know, and stores nothing", async () => {
    const where = home();
    const malformed = cli(where, ["login", "--url", caxton.url, "--token", "cx_tooshort", "--json"]);
    expect(malformed.status).toBe(2);
    expect(malformed.json().error!.message).toContain('--token is not a Caxton API token: tokens are "cx_" followed by 32');

    const noScheme = cli(where, ["login", "--url", "localhost:8080", "--token", `cx_${"a".repeat(32)}`]);
    expect(noScheme.status).toBe(2);
    expect(noScheme.stderr).toContain("hint: Include the scheme, e.g. http://localhost:8080.");

    const unknown = cli(where, ["login", "--url", caxton.url, "--token", `cx_${"a".repeat(32)}`]);
    expect(unknown.status).toBe(3);
    expect(unknown.stderr).toBe("error: The API token is not valid.\nhint: Check that you copied the whole token, or create a new one.\n");

    const unreachable = cli(where, ["login", "--url", `http://127.0.0.1:${await freePort()}`, "--token", `cx_${"a".repeat(32)}`, "--json"]);
    expect(unreachable.status).toBe(6);
    expect(unreachable.json().error).toMatchObject({ code: "unreachable", message: expect.stringContaining("ECONNREFUSED") });
    expect(existsSync(where.file)).toBe(false);
  });

  it("says how to log in when no token is configured (exit 3)", () => {
    const where = home();
    const text = cli(where, ["whoami"]);
    expect(text.status).toBe(3);
    expect(text.stderr).toContain("error: Not logged in: no API token is configured.");
    expect(text.stderr).toContain("hint: Run `caxton login --url <server> --token <token>`");
    const json = cli(where, ["tokens", "list", "--json"]);
    expect(json.status).toBe(3);
    expect(json.json().error).toMatchObject({ code: "not_logged_in" });
  });

  it("lets CAXTON_URL and CAXTON_TOKEN override the saved login", async () => {
    const where = home();
    const saved = bootstrap(where, "saved");
    const other = bootstrap(where, "other");
    expect(cli(where, ["login", "--url", caxton.url, "--token", saved.token]).status).toBe(0);

    const byToken = cli(where, ["whoami", "--json"], { CAXTON_TOKEN: other.token });
    expect(byToken.status).toBe(0);
    expect(byToken.json().workspace).toMatchObject({ slug: other.workspace });

    const byUrl = cli(where, ["whoami", "--json"], { CAXTON_URL: `http://127.0.0.1:${await freePort()}` });
    expect(byUrl.status).toBe(6);

    // Both from the environment, with nothing saved at all.
    const bare = home();
    const envOnly = cli(bare, ["whoami", "--json"], { CAXTON_URL: caxton.url, CAXTON_TOKEN: other.token });
    expect(envOnly.status).toBe(0);
    expect(envOnly.json().workspace).toMatchObject({ slug: other.workspace });
    const badEnvToken = cli(bare, ["whoami"], { CAXTON_URL: caxton.url, CAXTON_TOKEN: "not-a-token" });
    expect(badEnvToken.status).toBe(2);
    expect(badEnvToken.stderr).toContain("CAXTON_TOKEN is not a Caxton API token");
  });
});

describe("caxton tokens", () => {
  it("creates a token shown once, lists it, revokes it, and the revoked token gets exit 3", async () => {
    const where = home();
    const owner = bootstrap(where, "tokens");
    expect(cli(where, ["login", "--url", caxton.url, "--token", owner.token]).status).toBe(0);

    const created = cli(where, [
      "tokens",
      "create",
      "--name",
      "ci deploy",
      "--scopes",
      "agents:read,messages:send",
      "--expires",
      "2099-01-31",
    ]);
    expect(created.status, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(cliTokenPattern);
    expect(created.stderr).toContain('Created API token "ci deploy"');
    expect(created.stderr).toContain("warning: This is the only time the token is shown");
    const response = await me(token);
    expect(response.json()).toMatchObject({ scopes: ["agents:read", "messages:send"], workspace: { slug: owner.workspace } });

    const viaJson = cli(where, ["tokens", "create", "--name", "repeat", "--scopes", "agents:read", "--scopes", "admin", "--json"]);
    expect(viaJson.status).toBe(0);
    expect(viaJson.json()).toMatchObject({
      name: "repeat",
      scopes: ["agents:read", "admin"],
      expiresAt: null,
      token: expect.stringMatching(cliTokenPattern),
    });

    const list = cli(where, ["tokens", "list", "--json"]);
    expect(list.status).toBe(0);
    const items = list.json().items as { id: string; name: string; prefix: string; expiresAt: string | null; revokedAt: string | null }[];
    expect(items.map((t) => t.name).sort()).toEqual(["bootstrap", "ci deploy", "repeat"]);
    const ci = items.find((t) => t.name === "ci deploy")!;
    expect(ci).toMatchObject({ prefix: token.slice(0, 8), expiresAt: "2099-01-31T00:00:00.000Z", revokedAt: null });
    expect(JSON.stringify(items)).not.toContain(token); // a list never carries the secret

    const text = cli(where, ["tokens", "list"]).stdout.split("\n");
    expect(text[0]).toMatch(/^ID\s+NAME\s+PREFIX\s+SCOPES\s+CREATED\s+LAST USED\s+EXPIRES\s+REVOKED$/);
    expect(text.find((line) => line.startsWith(ci.id))).toMatch(
      /ci deploy\s+cx_\S+…\s+agents:read,messages:send\s+.*2099-01-31 00:00Z\s+-$/,
    );

    const revoke = cli(where, ["tokens", "revoke", ci.id]);
    expect(revoke.status, revoke.stderr).toBe(0);
    expect(revoke.stdout).toContain(`Revoked API token "ci deploy" (id ${ci.id})`);
    const after = cli(where, ["tokens", "list", "--json"]).json().items as typeof items;
    expect(after.find((t) => t.id === ci.id)!.revokedAt).not.toBeNull();

    const refused = cli(where, ["whoami"], { CAXTON_TOKEN: token });
    expect(refused.status).toBe(3);
    expect(refused.stderr).toBe("error: The API token was revoked.\nhint: Create a new token.\n");

    const missing = cli(where, ["tokens", "revoke", "no-such-token", "--json"]);
    expect(missing.status).toBe(4);
    expect(missing.json().error).toMatchObject({ code: "not_found", message: "API token not found." });
  });

  it("checks name, scopes and expiry before calling the API (exit 2)", () => {
    const where = home();
    const owner = bootstrap(where, "inputs");
    const env = { CAXTON_URL: caxton.url, CAXTON_TOKEN: owner.token };
    const noName = cli(where, ["tokens", "create", "--scopes", "admin"], env);
    expect(noName.status).toBe(2);
    expect(noName.stderr).toContain("error: --name <name> is required.");

    const unknownScope = cli(where, ["tokens", "create", "--name", "x", "--scopes", "agents:read,agent:write", "--json"], env);
    expect(unknownScope.status).toBe(2);
    expect(unknownScope.json().error).toMatchObject({ code: "usage", message: 'Unknown scope "agent:write".' });
    expect(unknownScope.json().error!.hint).toBe(`Did you mean "agents:write"? Valid scopes: ${scopes.join(", ")}.`);

    for (const expires of ["tomorrow", "2099-02-30", "2099-13-01", "2001-01-01"]) {
      const bad = cli(where, ["tokens", "create", "--name", "x", "--scopes", "admin", "--expires", expires], env);
      expect(bad.status, expires).toBe(2);
      expect(bad.stderr, expires).toContain(`--expires`);
      expect(bad.stderr, expires).toContain("hint: Use an ISO 8601 date");
    }
    const unknownFlag = cli(where, ["tokens", "create", "--name", "x", "--scope", "admin"], env);
    expect(unknownFlag.status).toBe(2);
    expect(unknownFlag.stderr).toContain("Did you mean --scopes?");
    expect(cli(where, ["tokens", "revoke"], env).status).toBe(2);

    // Nothing of the above reached the server.
    const items = cli(where, ["tokens", "list", "--json"], env).json().items as unknown[];
    expect(items).toHaveLength(1);
  });

  it("passes on a 403 with the API's reason (exit 3)", () => {
    const where = home();
    const owner = bootstrap(where, "scoped");
    const env = { CAXTON_URL: caxton.url, CAXTON_TOKEN: owner.token };
    const reader = cli(where, ["tokens", "create", "--name", "reader", "--scopes", "agents:read", "--json"], env).json().token as string;
    const refused = cli(where, ["tokens", "create", "--name", "more", "--scopes", "admin"], { ...env, CAXTON_TOKEN: reader });
    expect(refused.status).toBe(3);
    expect(refused.stderr).toBe(
      'error: This API token may not create API tokens: it lacks the "admin" scope.\nhint: Create a token with the "admin" scope.\n',
    );
  });

  it("follows pagination past 200 tokens, and a full quota is exit 5", async () => {
    const where = home();
    const owner = bootstrap(where, "pages");
    const env = { CAXTON_URL: caxton.url, CAXTON_TOKEN: owner.token };
    // Seed rows straight into this suite's schema: faster than 205 API calls, same table.
    const client = new pg.Client({ connectionString: splitSchema(database.url).connectionString });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO "${database.schema}"."ApiToken" ("id", "workspaceId", "userId", "name", "prefix", "hash", "scopes")
         SELECT 'seed-' || n, t."workspaceId", t."userId", 'seed ' || n, 'cx_seed0', md5(random()::text || n), ARRAY['agents:read']
         FROM generate_series(1, 205) AS n, (SELECT "workspaceId", "userId" FROM "${database.schema}"."ApiToken" WHERE "prefix" = $1) AS t`,
        [owner.token.slice(0, 8)],
      );
    } finally {
      await client.end();
    }
    const list = cli(where, ["tokens", "list", "--json"], env);
    expect(list.status).toBe(0);
    const ids = (list.json().items as { id: string }[]).map((t) => t.id);
    expect(ids).toHaveLength(206);
    expect(new Set(ids).size).toBe(206);

    const full = cli(where, ["tokens", "create", "--name", "one more", "--scopes", "admin"], env);
    expect(full.status).toBe(5);
    expect(full.stderr).toMatch(/^error: .*\nhint: /);
  });
});

describe("caxton CLI input checks", () => {
  it("uses the token format the server enforces", () => {
    expect(cliTokenPattern.source).toBe(serverTokenPattern.source);
  });

  it("reports an unreadable config file instead of crashing", () => {
    const where = home();
    mkdirSync(path.dirname(where.file), { recursive: true });
    writeFileSync(where.file, "{ not json");
    const run = cli(where, ["whoami", "--json"]);
    expect(run.status).toBe(1);
    expect(run.json().error).toMatchObject({ code: "config", hint: expect.stringContaining("caxton login") });
    // Both overrides set: the broken file is not even read.
    const overridden = cli(where, ["whoami", "--json"], { CAXTON_URL: caxton.url, CAXTON_TOKEN: `cx_${"b".repeat(32)}` });
    expect(overridden.status).toBe(3);
    expect(overridden.json().error).toMatchObject({ code: "unauthorized", message: "The API token is not valid." });
  });
});
