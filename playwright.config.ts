import { defineConfig, devices } from "@playwright/test";

// Started by scripts/test.ts (`npm test`), which finds Chromium, the database and Redis
// and passes them in E2E_* variables. Runs against the production build in dist/ + .next/.
const port = Number(process.env.E2E_PORT ?? 8181);
const githubPort = Number(process.env.E2E_GITHUB_PORT ?? 8182);
// localhost, not 127.0.0.1: the OAuth PKCE cookie must come back to the same host name.
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"] } },
    { name: "mobile", use: { ...devices["Pixel 7"] }, testMatch: /responsive\.spec\.ts/ },
  ],
  webServer: [
    {
      command: "node --import tsx e2e/support/fake-github.ts",
      url: `http://127.0.0.1:${githubPort}/health`,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      env: { FAKE_GITHUB_PORT: String(githubPort) },
    },
    {
      command: "node dist/caxton.mjs serve",
      url: `${baseURL}/api/health`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        PORT: String(port),
        DATABASE_URL: process.env.E2E_DATABASE_URL ?? "",
        REDIS_URL: process.env.E2E_REDIS_URL ?? "",
        CAXTON_REDIS_PREFIX: process.env.E2E_REDIS_PREFIX ?? "e2e",
        CAXTON_HEARTBEAT_MS: "1000",
        CAXTON_CONFIG: "",
        CAXTON_DATA_DIR: "test-results/e2e-data",
        CAXTON_PUBLIC_URL: baseURL,
        AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-0123456789",
        AUTH_GITHUB_ID: "fake-client-id",
        AUTH_GITHUB_SECRET: "fake-client-secret",
        AUTH_GITHUB_URL: `http://127.0.0.1:${githubPort}`,
        // The fake LLM vendor of the streaming spec listens on loopback, refused by default.
        CAXTON_NETWORK_ALLOW: "127.0.0.1",
      },
    },
  ],
});
