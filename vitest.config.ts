import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["{server,cli,test,worker,web}/**/*.test.ts"],
    // next-auth imports "next/server" without an extension, which Node's ESM resolver
    // refuses outside Next; inlined, Vite resolves it (suites that import appRouter need it).
    server: { deps: { inline: ["next-auth"] } },
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The embedded database takes few connections: run files one at a time there.
    fileParallelism: process.env.CAXTON_TEST_SERIAL !== "1",
  },
});
