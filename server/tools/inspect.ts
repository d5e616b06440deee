import { Script } from "node:vm";
import type { ToolManifest } from "./manifest";
import type { ModuleProblem } from "./sandbox/types";
import { inspectWasm } from "./sandbox/wasm-inspect";

/**
 * Upload-time checks of a tool's module against its manifest, in the web process: nothing
 * here runs tool code. WebAssembly is compiled (not instantiated) and its sections read;
 * JavaScript is compiled by V8 (not run) and its top level searched for the entry function.
 */

export const MAX_MODULE_BYTES = 4 * 1024 * 1024;

export function inspectModule(manifest: ToolManifest, bytes: Uint8Array): ModuleProblem[] {
  if (manifest.kind === "wasm")
    return inspectWasm(bytes, { entry: manifest.entry, maxMemoryPages: manifest.permissions.maxMemoryPages, maxBytes: MAX_MODULE_BYTES });
  if (bytes.length > MAX_MODULE_BYTES) {
    return [
      {
        code: "too_large",
        message: `the source is ${bytes.length} bytes, over the limit of ${MAX_MODULE_BYTES}: minify it or split the tool`,
      },
    ];
  }
  let source: string;
  try {
    source = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return [{ code: "js_syntax", message: "the source is not UTF-8 text: save it as UTF-8" }];
  }
  try {
    new Script(source, { filename: "tool.js" });
  } catch (error) {
    const where = /tool\.js:(\d+)/.exec(String((error as Error).stack))?.[1];
    return [
      {
        code: "js_syntax",
        message: `${(error as Error).name}: ${(error as Error).message}${where ? ` (line ${where})` : ""}: plain JavaScript only, no TypeScript, import/export or require`,
      },
    ];
  }
  // A declaration, or a variable holding a function or an arrow function.
  const entry = manifest.entry.replace(/\$/g, "\\$");
  const declared = new RegExp(
    `(^|[\\s;])(function\\s+${entry}\\s*\\(|(var|let|const)\\s+${entry}\\s*=\\s*(async\\s+)?(function\\b|\\(|[A-Za-z_$][\\w$]*\\s*=>))`,
    "m",
  );
  if (!declared.test(source)) {
    return [
      {
        code: "js_missing_entry",
        message: `no top-level function "${manifest.entry}": declare \`function ${manifest.entry}(input) { ...; return output; }\``,
      },
    ];
  }
  return [];
}
