/**
 * The contract between the tool registry (server/tools/) and the sandboxes that run tool
 * code (server/tools/sandbox/): what a tool is when it runs, and how a call ends. Sandboxes
 * run only in the worker process, never in the web process.
 */

export type ToolKind = "wasm" | "js";

export interface ToolLimits {
  /** Wall-clock bound of one call. */
  timeoutMs: number;
  /** 64 KiB WebAssembly pages; for JS tools the isolate's heap is this many pages (at least 8 MiB). */
  maxMemoryPages: number;
  /** Hosts (`example.com`, `127.0.0.1:8080`) the tool may reach through `caxton_http`; [] for none. */
  allowedHosts: string[];
}

/** One immutable tool version, as a sandbox needs it. */
export interface RunnableTool {
  /** Stable per version (the ToolVersion id): the key warm instances are pooled under. */
  key: string;
  name: string;
  kind: ToolKind;
  /** Exported function (wasm) or global function (js) that is called. */
  entry: string;
  /** The .wasm bytes, or the JavaScript source as UTF-8. */
  code: Uint8Array;
  limits: ToolLimits;
  /** JSON Schema (MCP's tool shape): input is checked before the call, output after. */
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
}

export type DiagnosticKind =
  | "timeout"
  | "memory"
  | "host_denied"
  | "trap"
  | "invalid_input"
  | "invalid_output"
  | "output_too_large"
  | "quarantined"
  | "worker_lost"
  | "quota_exceeded";

/** Why a call did not produce a valid result: what limit, what was observed, in words. */
export interface Diagnostic {
  kind: DiagnosticKind;
  limit: string | number | null;
  observed: string | number | null;
  message: string;
}

export type RunOutcome = { ok: true; output: unknown; durationMs: number } | { ok: false; diagnostic: Diagnostic; durationMs: number };

/** A problem found in an uploaded module before it ever runs. */
export interface ModuleProblem {
  code:
    | "not_wasm"
    | "missing_export"
    | "no_memory_maximum"
    | "memory_over_limit"
    | "no_table_maximum"
    | "table_over_limit"
    | "too_many_globals"
    | "too_many_functions"
    | "unsupported_import"
    | "too_large"
    | "js_syntax"
    | "js_missing_entry";
  message: string;
}
