// Compiles the AssemblyScript tools under plugins/: every plugins/<name>/ with an index.ts
// becomes plugins/<name>/dist/<name>.wasm. Outputs newer than their sources are skipped
// (--force rebuilds; --quiet, as `npm start` runs it, names only what it built); name
// arguments build only those tools.
//   node scripts/build-plugins.mjs [--force] [--quiet] [name ...]
/* global WebAssembly */
import { Buffer } from "node:buffer";
import { mkdirSync, readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";
import { parse as parseToml } from "smol-toml";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pluginsDir = path.join(root, "plugins");
const libDir = path.join(pluginsDir, "lib");
// Replaces asc's `env.abort` import, which Extism cannot resolve (instantiating such a
// module crashes the host process). Every tool imports plugins/lib/tool.ts, which defines it.
const ABORT = "plugins/lib/tool/toolAbort";
const DEFAULT_MAX_MEMORY_PAGES = 64; // the registry's default for permissions.maxMemoryPages

const args = process.argv.slice(2);
const force = args.includes("--force");
const quiet = args.includes("--quiet");
let built = 0;
const only = args.filter((a) => !a.startsWith("--"));

/** Newest mtime of the .ts files under dir (dist/ excluded). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "dist" && entry.name !== "node_modules") newest = Math.max(newest, newestSource(full));
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      newest = Math.max(newest, statSync(full).mtimeMs);
    }
  }
  return newest;
}

function mtime(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

function collector() {
  const chunks = [];
  return {
    write(chunk) {
      chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    },
    toString() {
      return chunks.join("");
    },
  };
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The memory cap the tool declares: the module's maximum must not exceed it, so it is the maximum. */
function maxMemoryPages(manifestPath) {
  const manifest = parseToml(readFileSync(manifestPath, "utf8"));
  if (manifest.kind !== "wasm")
    throw new Error(
      `${path.relative(root, manifestPath)}: kind is ${JSON.stringify(manifest.kind)}, but the folder has an index.ts (AssemblyScript): set kind = "wasm"`,
    );
  const pages = manifest.permissions?.maxMemoryPages ?? DEFAULT_MAX_MEMORY_PAGES;
  if (!Number.isInteger(pages) || pages < 1)
    throw new Error(`${path.relative(root, manifestPath)}: permissions.maxMemoryPages must be a positive integer`);
  return pages;
}

/** Imports Extism can satisfy; anything else (env.abort, env.memory) must never reach a sandbox. */
function unsupportedImports(bytes) {
  return WebAssembly.Module.imports(new WebAssembly.Module(bytes))
    .filter((i) => !(i.kind === "function" && (i.module === "extism:host/env" || i.module === "extism:host/user")))
    .map((i) => `${i.module}.${i.name} (${i.kind})`);
}

const tools = readdirSync(pluginsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(pluginsDir, d.name, "index.ts")))
  .map((d) => d.name)
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();
const unknown = only.filter((name) => !tools.includes(name));
if (unknown.length > 0) {
  console.error(`build-plugins: no plugins/${unknown[0]}/index.ts`);
  process.exit(1);
}

const libNewest = newestSource(libDir);
const scriptTime = statSync(fileURLToPath(import.meta.url)).mtimeMs;
let failures = 0;
const started = performance.now();
for (const name of tools) {
  const dir = path.join(pluginsDir, name);
  const manifestPath = path.join(dir, "manifest.toml");
  const outRel = `plugins/${name}/dist/${name}.wasm`;
  const out = path.join(root, outRel);
  try {
    if (!existsSync(manifestPath)) throw new Error(`plugins/${name}/manifest.toml is missing`);
    const inputsTime = Math.max(newestSource(dir), libNewest, mtime(manifestPath), scriptTime);
    if (!force && mtime(out) > inputsTime) {
      if (!quiet) console.log(`${name.padEnd(14)} up to date   ${kib(statSync(out).size).padStart(9)}  ${outRel}`);
      continue;
    }
    const pages = maxMemoryPages(manifestPath);
    mkdirSync(path.dirname(out), { recursive: true });
    const t0 = performance.now();
    const stdout = collector();
    const stderr = collector();
    const { error } = await asc.main(
      [
        `plugins/${name}/index.ts`,
        "--outFile",
        outRel,
        "--baseDir",
        root,
        "-O",
        "--noAssert",
        "--initialMemory",
        "1",
        "--maximumMemory",
        String(pages),
        "--use",
        `abort=${ABORT}`,
      ],
      { stdout, stderr },
    );
    if (error) {
      const message = stderr.toString().trim() || error.message;
      const hint = message.includes(`'${ABORT}' not found`)
        ? `\n(plugins/${name}/index.ts must import from "../lib/tool", which defines the abort handler)`
        : "";
      throw new Error(message + hint);
    }
    const bytes = readFileSync(out);
    const bad = unsupportedImports(bytes);
    if (bad.length > 0)
      throw new Error(
        `${outRel} imports ${bad.join(", ")}; a tool may import only extism:host/env and extism:host/user functions (does index.ts import ../lib/tool?)`,
      );
    built++;
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`${name.padEnd(14)} built ${seconds.padStart(5)} s ${kib(bytes.length).padStart(9)}  ${outRel} (max ${pages} pages)`);
  } catch (e) {
    failures++;
    console.error(`${name.padEnd(14)} FAILED\n${e instanceof Error ? e.message : String(e)}\n`);
  }
}
const total = ((performance.now() - started) / 1000).toFixed(1);
if (failures > 0) {
  console.error(`build-plugins: ${failures} of ${tools.length} tools failed (${total} s)`);
  process.exit(1);
}
if (!quiet || built > 0) console.log(`build-plugins: ${tools.length} tools in ${total} s`);
