import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { fromRoot } from "../platform/paths";
import type { ToolKind } from "./sandbox/types";

/**
 * The sample tools shipped in plugins/: one folder per tool with its manifest.toml and its
 * code. By convention (the manifest names no file), a wasm tool's code is
 * `plugins/<name>/dist/<name>.wasm`, built from `plugins/<name>/index.ts` by
 * `npm run build:plugins`, and a js tool's code is `plugins/<name>/tool.js`.
 * The manifests are returned as text: the registry validates them like any upload.
 */
export interface SampleTool {
  /** The folder's name, which is also the manifest's name. */
  name: string;
  kind: ToolKind;
  manifestPath: string;
  manifestText: string;
  /** The .wasm bytes, or the script as UTF-8 (a copy backed by a plain ArrayBuffer, as WebAssembly.Module wants). */
  code: Uint8Array<ArrayBuffer>;
}

export function samplePluginsDir(): string {
  return fromRoot("plugins");
}

/** The file holding a sample tool's code, by the convention above. */
export function sampleCodePath(name: string, kind: ToolKind, pluginsDir = samplePluginsDir()): string {
  return kind === "wasm" ? path.join(pluginsDir, name, "dist", `${name}.wasm`) : path.join(pluginsDir, name, "tool.js");
}

function readSample(pluginsDir: string, name: string): SampleTool {
  const manifestPath = path.join(pluginsDir, name, "manifest.toml");
  const manifestText = readFileSync(manifestPath, "utf8");
  const shown = (file: string) => path.relative(path.dirname(pluginsDir), file);
  // Only the two keys that locate the code are read here; everything else is the registry's to check.
  const manifest = parseToml(manifestText) as { name?: unknown; kind?: unknown };
  if (manifest.name !== name)
    throw new Error(`${shown(manifestPath)}: name is ${JSON.stringify(manifest.name)}, but the folder is ${name}/: make them the same`);
  if (manifest.kind !== "wasm" && manifest.kind !== "js")
    throw new Error(`${shown(manifestPath)}: kind must be "wasm" or "js", not ${JSON.stringify(manifest.kind)}`);
  const kind: ToolKind = manifest.kind;

  const codePath = sampleCodePath(name, kind, pluginsDir);
  if (!existsSync(codePath)) {
    throw new Error(
      kind === "wasm"
        ? `${shown(codePath)} is missing: run \`npm run build:plugins\` to compile the sample wasm tools`
        : `${shown(codePath)} is missing: a js tool's code is ${name}/tool.js next to its manifest`,
    );
  }
  return { name, kind, manifestPath, manifestText, code: new Uint8Array(readFileSync(codePath)) };
}

/** Every <pluginsDir>/<name>/ with a manifest.toml, sorted by name. */
export function listSampleTools(pluginsDir = samplePluginsDir()): SampleTool[] {
  if (!existsSync(pluginsDir)) return [];
  return readdirSync(pluginsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(pluginsDir, entry.name, "manifest.toml")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => readSample(pluginsDir, name));
}
