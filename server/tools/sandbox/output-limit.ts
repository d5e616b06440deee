// The cap on what one tool call may return, the same for wasm and JS tools. An output over it
// is never kept: the call ends as an output_too_large diagnostic that names the limit and the
// size seen, so no invocation row, message or event ever holds it.
import type { Diagnostic } from "./types";

/** 1 MiB: `tools.max_output_bytes` (CAXTON_TOOL_MAX_OUTPUT_BYTES) overrides it. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1 << 20;

export function outputTooLarge(limit: number, observed: number): Diagnostic {
  return {
    kind: "output_too_large",
    limit,
    observed,
    message: `the tool's output is ${observed} bytes, over the limit of ${limit} bytes (tools.max_output_bytes): return a summary or a page of the result, or raise CAXTON_TOOL_MAX_OUTPUT_BYTES`,
  };
}

/** The UTF-8 size of a JSON value as it would be stored. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "null", "utf8");
}
