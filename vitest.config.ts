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
    // Fake LLM vendors and HTTP servers listen on 127.0.0.1, which the network policy refuses
    // by default: the suites allow it explicitly, as an operator would for a local Ollama
    // (startCaxton passes it on; test/network-policy.test.ts checks the default).
    env: { CAXTON_NETWORK_ALLOW: "127.0.0.1" },
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The embedded database takes few connections: run files one at a time there.
    fileParallelism: process.env.CAXTON_TEST_SERIAL !== "1",
  },
});
