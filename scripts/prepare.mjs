#!/usr/bin/env node
// Set-up that `npm start`, `npm test` and `npm run bench` run first. Needs nothing but Node:
// installs dependencies when missing or stale, generates the Prisma client, and with
// --build builds whatever is older than its sources. Each step is skipped when done.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const build = process.argv.includes("--build");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const run = (cmd, args, env = {}) => execFileSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

/** Newest modification time of any file under the given paths (skipping generated folders). */
function newest(paths) {
  let latest = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const stat = statSync(p);
    if (!stat.isDirectory()) return void (latest = Math.max(latest, stat.mtimeMs));
    for (const entry of readdirSync(p)) {
      if (!["node_modules", ".next", "dist", ".caxton", "test-results"].includes(entry)) walk(path.join(p, entry));
    }
  };
  paths.forEach((p) => walk(path.join(root, p)));
  return latest;
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 9)) {
  console.error(`Caxton needs Node.js 20.9 or newer; this is ${process.version}. Install a current Node.js LTS.`);
  process.exit(1);
}

const installed = path.join(root, "node_modules/.package-lock.json");
if (!existsSync(installed) || mtime(path.join(root, "package.json")) > mtime(installed)) {
  console.log("[prepare] installing dependencies (npm install)...");
  run(npm, ["install", "--no-audit", "--no-fund"]);
}

// The client is current when it was generated from this very schema (Prisma copies the
// schema next to it). npm install leaves an ungenerated stub, which has no copy.
const schema = readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
const generatedFrom = path.join(root, "node_modules/.prisma/client/schema.prisma");
if (!existsSync(generatedFrom) || readFileSync(generatedFrom, "utf8") !== schema) {
  console.log("[prepare] generating the Prisma client...");
  // prisma generate reads the datasource URL; a placeholder is enough to generate. Its
  // output (tips, and deprecation notes about the schema's preview features that need no
  // action on Prisma 6.19) is shown only when it fails.
  try {
    execFileSync(path.join(root, "node_modules/.bin/prisma"), ["generate"], {
      cwd: root,
      stdio: "pipe",
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL || "postgresql://placeholder@127.0.0.1:5432/placeholder" },
    });
  } catch (error) {
    process.stderr.write(`${error.stdout ?? ""}${error.stderr ?? ""}`);
    console.error("[prepare] prisma generate failed (output above)");
    process.exit(1);
  }
}

if (build) {
  const serverSources = newest(["cli", "server", "web", "worker", "package.json"]);
  if (serverSources > mtime(path.join(root, "dist/caxton.mjs"))) {
    console.log("[prepare] building the CLI, web server and worker...");
    run(process.execPath, ["scripts/build.mjs"]);
  }
  // The sample wasm tools (installed into every new workspace); the script skips what is current.
  run(process.execPath, ["scripts/build-plugins.mjs", "--quiet"]);
  const appSources = newest(["app", "server", "public", "next.config.js", "postcss.config.mjs", "package.json"]);
  if (appSources > mtime(path.join(root, ".next/BUILD_ID"))) {
    console.log("[prepare] building the web app (next build)...");
    run(path.join(root, "node_modules/.bin/next"), ["build"], { NEXT_TELEMETRY_DISABLED: "1" });
  }
}
