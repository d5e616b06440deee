import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fromRoot } from "../platform/paths";
import { configKeys } from "./keys";
import { ConfigError, loadConfig } from "./load";

const dir = mkdtempSync(path.join(os.tmpdir(), "caxton-config-"));
function tomlFile(text: string): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(file, text);
  return file;
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("uses the defaults when nothing is set", () => {
    const config = loadConfig({ env: {}, file: tomlFile("") });
    expect(config).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      dataDir: ".caxton",
      logLevel: "info",
      logFormat: "json",
      shutdownTimeoutMs: 10_000,
    });
    expect(config.databaseUrl).toBeUndefined();
  });

  it("reads caxton.toml, and the environment wins over it", () => {
    const file = tomlFile('port = 9000\n[log]\nlevel = "debug"\n[database]\nurl = "postgresql://a@h/db"\n');
    const fromFile = loadConfig({ env: {}, file });
    expect(fromFile.port).toBe(9000);
    expect(fromFile.logLevel).toBe("debug");
    expect(fromFile.databaseUrl).toBe("postgresql://a@h/db");
    const withEnv = loadConfig({ env: { PORT: "9100", LOG_LEVEL: "warn" }, file });
    expect(withEnv.port).toBe(9100);
    expect(withEnv.logLevel).toBe("warn");
  });

  it("names the variable, the value, what is allowed and the fix for a bad environment value", () => {
    const [problem, ...rest] = problemsOf(() => loadConfig({ env: { PORT: "eighty" }, file: tomlFile("") }));
    expect(rest).toHaveLength(0);
    expect(problem).toContain('environment variable PORT = "eighty"');
    expect(problem).toContain("a whole number from 1 to 65535");
    expect(problem).toContain("Fix: set PORT");
  });

  it("reports every problem of a bad caxton.toml at once", () => {
    const file = tomlFile('port = 70000\n[log]\nformat = "yaml"\n[redis]\nurl = "http://nope"\n');
    const problems = problemsOf(() => loadConfig({ env: {}, file }));
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/key "port" = 70000 is not allowed/);
    expect(problems.join("\n")).toMatch(/key "log.format" = "yaml" is not allowed: expected json or pretty/);
    expect(problems.join("\n")).toMatch(/key "redis.url" = "http:\/\/nope" is not allowed: expected a redis:\/\//);
  });

  it("suggests the intended key for a misspelt one", () => {
    const [problem] = problemsOf(() => loadConfig({ env: {}, file: tomlFile('[databse]\nurl = "postgresql://x@y/z"\n') }));
    expect(problem).toContain('unknown key "databse.url"');
    expect(problem).toContain('did you mean "database.url"?');
  });

  it("points at the line and column of a TOML syntax error", () => {
    const [problem] = problemsOf(() => loadConfig({ env: {}, file: tomlFile('port = 8080\nhost = "unterminated\n') }));
    expect(problem).toMatch(/\.toml:2:\d+: not valid TOML/);
  });

  it("refuses a missing CAXTON_CONFIG file and a negative shutdown timeout together", () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { CAXTON_CONFIG: path.join(dir, "missing.toml"), CAXTON_SHUTDOWN_TIMEOUT_MS: "-5" } }),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain("cannot be read");
    expect(problems[1]).toContain("CAXTON_SHUTDOWN_TIMEOUT_MS");
  });

  it("is documented: the README's configuration table lists every key", () => {
    const readme = readFileSync(fromRoot("README.md"), "utf8");
    for (const key of Object.values(configKeys)) {
      expect(readme, `README is missing ${key.env}`).toContain(`\`${key.env}\``);
      expect(readme, `README is missing ${key.toml}`).toContain(`\`${key.toml}\``);
    }
  });
});
