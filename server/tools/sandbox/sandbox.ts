// The one entry point for running a tool version: input checked against its inputSchema before
// any tool code runs, the call made in the wasm or JS host, the output checked against its
// outputSchema. Every way a tool can misbehave ends as a RunOutcome with a Diagnostic; only
// programmer errors (a closed sandbox, an unknown kind) throw. Runs in the worker process only.
import type { ErrorObject, ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { Logger } from "../../observability/logger";
import { createJsHost, nonJsonPath } from "./js-host";
import type { Diagnostic, ModuleProblem, RunnableTool, RunOutcome } from "./types";
import { DEFAULT_MAX_OUTPUT_BYTES, jsonBytes, outputTooLarge } from "./output-limit";
import { inspectWasm } from "./wasm-inspect";
import { createWasmHost, type WasmHostOptions } from "./wasm-host";

export interface SandboxOptions extends WasmHostOptions {
  /** Tool keys whose compiled schemas and JS isolates stay cached. */
  maxJsKeys?: number;
  /** Largest wasm module run (the registry should have refused bigger ones at upload). */
  maxModuleBytes?: number;
  logger?: Logger;
  /** A JS tool's code was found running between calls (its isolate has been disposed). */
  onJsBackgroundBreach?: (tool: Pick<RunnableTool, "key" | "name">) => void;
}

export interface Sandbox {
  run(tool: RunnableTool, input: unknown): Promise<RunOutcome>;
  close(): Promise<void>;
  stats(): SandboxStats;
}

export interface SandboxStats {
  calls: number;
  failures: Record<string, number>;
  wasm: ReturnType<ReturnType<typeof createWasmHost>["stats"]>;
  js: ReturnType<ReturnType<typeof createJsHost>["stats"]>;
}

const shownErrors = 5;

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  const list = (errors ?? [])
    .slice(0, shownErrors)
    .map(
      (e) =>
        `${e.instancePath || "/"} ${e.message ?? "is invalid"}${e.keyword === "additionalProperties" ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : ""}`,
    );
  const more = (errors?.length ?? 0) > shownErrors ? `; and ${(errors?.length ?? 0) - shownErrors} more` : "";
  return list.join("; ") + more;
}

/** A diagnostic is stored and sent on like an output: its text is cut to a few KB, whatever the tool threw. */
const maxDiagnosticChars = 2_000;
function boundDiagnostic(diagnostic: Diagnostic) {
  const clip = (text: string) =>
    text.length > maxDiagnosticChars ? `${text.slice(0, maxDiagnosticChars)}… (${text.length} characters in all)` : text;
  diagnostic.message = clip(diagnostic.message);
  if (typeof diagnostic.observed === "string") diagnostic.observed = clip(diagnostic.observed);
  if (typeof diagnostic.limit === "string") diagnostic.limit = clip(diagnostic.limit);
}

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const wasm = createWasmHost(options);
  const js = createJsHost({ maxKeys: options.maxJsKeys, logger: options.logger, onBackgroundBreach: options.onJsBackgroundBreach });
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  // strict: false because tool schemas come from MCP tool definitions, which carry keywords
  // (titles, examples, vendor fields) that strict mode rejects.
  // Draft 2020-12, the dialect manifests are checked against at upload.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validators = new Map<string, { input: ValidateFunction; output: ValidateFunction | null; problems: ModuleProblem[] }>();
  const failures: Record<string, number> = {};
  let calls = 0;
  let closed = false;

  function validatorsFor(tool: RunnableTool) {
    let found = validators.get(tool.key);
    if (!found) {
      // Inspected again here, once per key, although the registry inspects at upload: a module
      // Extism cannot instantiate costs a 2 s instantiation timeout at best (see extism-guard.ts).
      const problems =
        tool.kind === "wasm"
          ? inspectWasm(tool.code, {
              entry: tool.entry,
              maxMemoryPages: tool.limits.maxMemoryPages,
              maxBytes: options.maxModuleBytes ?? 16 << 20,
            })
          : [];
      found = { input: ajv.compile(tool.inputSchema), output: tool.outputSchema ? ajv.compile(tool.outputSchema) : null, problems };
      validators.set(tool.key, found);
      // Bounded like the hosts' pools; ajv keeps compiled schemas too, so drop them with the key.
      for (const [key, old] of validators) {
        if (validators.size <= (options.maxJsKeys ?? 64) * 4) break;
        validators.delete(key);
        ajv.removeSchema(old.input.schema as object);
        if (old.output) ajv.removeSchema(old.output.schema as object);
      }
    }
    return found;
  }

  async function execute(
    tool: RunnableTool,
    input: unknown,
  ): Promise<{ ok: true; output: unknown } | { ok: false; diagnostic: Diagnostic }> {
    let schemas;
    try {
      schemas = validatorsFor(tool);
    } catch (error) {
      // A schema ajv cannot compile is the registry's bug, not the tool's: surface it loudly.
      throw new Error(`tool ${tool.name} (${tool.key}) has an invalid JSON Schema: ${(error as Error).message}`);
    }
    if (schemas.problems.length > 0) {
      const codes = schemas.problems.map((p) => p.code).join(", ");
      return {
        ok: false,
        diagnostic: {
          kind: "trap",
          limit: null,
          observed: codes,
          message: `the module was refused before running: ${schemas.problems.map((p) => p.message).join("; ")}`,
        },
      };
    }
    if (!schemas.input(input)) {
      const errors = describeErrors(schemas.input.errors);
      return {
        ok: false,
        diagnostic: {
          kind: "invalid_input",
          limit: null,
          observed: errors,
          message: `the input does not match the tool's inputSchema: ${errors}`,
        },
      };
    }
    let output: unknown;
    if (tool.kind === "wasm") {
      const result = await wasm.call(tool, JSON.stringify(input));
      if (!result.ok) return result;
      try {
        output = JSON.parse(result.output);
      } catch {
        const start = result.output.slice(0, 80);
        return {
          ok: false,
          diagnostic: {
            kind: "invalid_output",
            limit: null,
            observed: start,
            message: `the tool's output is not JSON (it starts with ${JSON.stringify(start)}): write the result as JSON text with Host.output`,
          },
        };
      }
    } else if (tool.kind === "js") {
      const result = await js.call(tool, input);
      if (!result.ok) return result;
      output = result.output;
    } else {
      throw new Error(`unknown tool kind ${String((tool as { kind: unknown }).kind)}`);
    }
    const bad = nonJsonPath(output);
    if (bad)
      return {
        ok: false,
        diagnostic: { kind: "invalid_output", limit: null, observed: bad, message: `the output is not JSON data at ${bad}` },
      };
    // Here both kinds meet: the size is that of the JSON that would be stored and sent on.
    const bytes = jsonBytes(output);
    if (bytes > maxOutputBytes) return { ok: false, diagnostic: outputTooLarge(maxOutputBytes, bytes) };
    if (schemas.output && !schemas.output(output)) {
      const errors = describeErrors(schemas.output.errors);
      return {
        ok: false,
        diagnostic: {
          kind: "invalid_output",
          limit: null,
          observed: errors,
          message: `the output does not match the tool's outputSchema: ${errors}`,
        },
      };
    }
    return { ok: true, output };
  }

  return {
    async run(tool, input) {
      if (closed) throw new Error("the sandbox is closed");
      calls++;
      const started = performance.now();
      const result = await execute(tool, input);
      const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      if (!result.ok) {
        boundDiagnostic(result.diagnostic);
        failures[result.diagnostic.kind] = (failures[result.diagnostic.kind] ?? 0) + 1;
        options.logger?.info({ tool: tool.name, key: tool.key, kind: result.diagnostic.kind, durationMs }, "tool call failed");
        return { ok: false, diagnostic: result.diagnostic, durationMs };
      }
      return { ok: true, output: result.output, durationMs };
    },
    async close() {
      closed = true;
      validators.clear();
      await Promise.all([wasm.close(), js.close()]);
    },
    stats: () => ({ calls, failures: { ...failures }, wasm: wasm.stats(), js: js.stats() }),
  };
}
