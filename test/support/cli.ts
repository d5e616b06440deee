import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, inject } from "vitest";
import { fromRoot } from "../../server/platform/paths";
import { startCaxton, testDatabase, uniqueName, type RunningCaxton } from "./env";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  json(): ReturnType<typeof JSON.parse>;
}

export interface CliOptions {
  /** false: no server and no token (offline commands); default true. */
  login?: boolean;
  env?: Record<string, string>;
  /** Piped to the command's stdin (otherwise stdin is empty). */
  input?: string;
}

/**
 * The whole platform (dist/ build, real PostgreSQL and Redis) and the `caxton` CLI against
 * it, with an owner token from `caxton admin bootstrap`: what the CLI suites share. Each
 * run gets a home of its own, so no saved login leaks between them.
 */
export async function startCliEnvironment(label: string) {
  const database = await testDatabase(label);
  const caxton: RunningCaxton = await startCaxton({
    DATABASE_URL: database.url,
    REDIS_URL: inject("redisUrl"),
    CAXTON_REDIS_PREFIX: `test:${uniqueName(label)}`,
  });
  const scratch: string[] = [];
  let token = "";

  const tempDir = (): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `caxton-${label}-`));
    scratch.push(dir);
    return dir;
  };

  const cli = (cwd: string, args: string[], options: CliOptions = {}): CliResult => {
    const login = options.login ?? true;
    const result = spawnSync(process.execPath, [fromRoot("dist/caxton.mjs"), ...args], {
      cwd,
      encoding: "utf8",
      timeout: 30_000,
      input: options.input ?? "",
      env: {
        ...process.env,
        HOME: cwd,
        XDG_CONFIG_HOME: path.join(cwd, "xdg"),
        DATABASE_URL: "",
        CAXTON_CONFIG: "",
        CAXTON_URL: login ? caxton.url : "",
        CAXTON_TOKEN: login ? token : "",
        ...options.env,
      },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, json: () => JSON.parse(result.stdout) };
  };

  const workspace = uniqueName(label).replace(/_/g, "-");
  const bootstrap = cli(tempDir(), ["admin", "bootstrap", "--email", `${workspace}@example.com`, "--workspace", workspace], {
    login: false,
    env: { DATABASE_URL: database.url },
  });
  expect(bootstrap.status, bootstrap.stderr).toBe(0);
  token = bootstrap.stdout.trim();

  return {
    caxton,
    token,
    /** The platform's database, for asserting what a command stored. */
    databaseUrl: database.url,
    cli,
    tempDir,
    async stop() {
      await caxton.stop();
      await database.drop();
      for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
    },
  };
}
