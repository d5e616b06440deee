// `npm test`: unit, integration (vitest) and end-to-end (Playwright) tests against real
// PostgreSQL, Redis and Chromium, then one closing line `N passed, N failed, N skipped`.
// Usage: npm test [-- unit|e2e] (default: both).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fromRoot } from "../server/platform/paths";
import { freePort } from "../server/platform/ports";
import { startTestServices } from "../test/support/services";

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

const only = process.argv[2];
const resultsDir = fromRoot("test-results");
mkdirSync(resultsDir, { recursive: true });

function findChromium(): string | null {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null;
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (found.status === 0) return found.stdout.trim();
  }
  return null;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: fromRoot(), stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

async function main(): Promise<number> {
  const chromium = only === "unit" ? "" : findChromium();
  if (chromium === null) {
    console.error(
      "The end-to-end tests need Chromium and none was found.\n" +
        "  Install it:  Debian/Ubuntu `sudo apt-get install chromium`\n" +
        "  or point at one:  CHROMIUM_PATH=/path/to/chrome npm test\n" +
        "(Playwright's own browser download is not used.)",
    );
    console.log("0 passed, 1 failed");
    return 1;
  }

  const services = await startTestServices();
  const embedded = services.databaseMode === "embedded PGlite";
  console.log(`[test] database: ${services.databaseMode}${embedded ? " (no PostgreSQL server was reachable)" : ""}`);
  console.log(`[test] redis: ${services.redisMode}`);
  const env = {
    TEST_DATABASE_URL: services.databaseUrl,
    TEST_REDIS_URL: services.redisUrl,
    CAXTON_TEST_SERIAL: embedded ? "1" : "0",
  };
  const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  const add = (t: Tally) => {
    tally.passed += t.passed;
    tally.failed += t.failed;
    tally.skipped += t.skipped;
  };

  try {
    if (only !== "e2e") {
      const report = path.join(resultsDir, "vitest.json");
      const code = await run(
        fromRoot("node_modules/.bin/vitest"),
        ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
        env,
      );
      const json = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }>(report);
      const t = json
        ? { passed: json.numPassedTests, failed: json.numFailedTests, skipped: json.numPendingTests + json.numTodoTests }
        : { passed: 0, failed: 1, skipped: 0 };
      if (code !== 0 && t.failed === 0) t.failed = 1; // a crash outside any test still fails the run
      console.log(`[test] vitest: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
      add(t);
    }
    if (only !== "unit") {
      const schemaUrl = new URL(services.databaseUrl);
      schemaUrl.searchParams.set("schema", `e2e_${randomBytes(4).toString("hex")}`);
      const report = path.join(resultsDir, "playwright.json");
      const code = await run(fromRoot("node_modules/.bin/playwright"), ["test"], {
        ...env,
        CHROMIUM_PATH: chromium,
        E2E_PORT: String(await freePort()),
        E2E_GITHUB_PORT: String(await freePort()),
        E2E_DATABASE_URL: schemaUrl.toString(),
        E2E_REDIS_URL: services.redisUrl,
        E2E_REDIS_PREFIX: `e2e:${randomBytes(4).toString("hex")}`,
      });
      const json = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(report);
      const t = json
        ? { passed: json.stats.expected + json.stats.flaky, failed: json.stats.unexpected, skipped: json.stats.skipped }
        : { passed: 0, failed: 1, skipped: 0 };
      if (code !== 0 && t.failed === 0) t.failed = 1;
      console.log(`[test] playwright: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
      add(t);
    }
  } finally {
    await services.stop();
  }
  writeFileSync(path.join(resultsDir, "summary.json"), JSON.stringify(tally));
  console.log(`${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`);
  return tally.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[test] could not run the tests: ${(error as Error).message}`);
    console.log("0 passed, 1 failed");
    process.exit(1);
  },
);
