// What every AssemblyScript tool shares: reading the JSON input object, writing the JSON
// output as UTF-8, reporting an error the caller sees, and the abort handler the build
// points asc at (--use abort=plugins/lib/tool/toolAbort). Import this module from every tool.
import { Host, Memory } from "@extism/as-pdk";
import { error_set } from "@extism/as-pdk/lib/env";
import { JsonKind, JsonValue, parseJson } from "./json";

/**
 * Replaces asc's default `env.abort` import, which Extism cannot resolve (the host would
 * crash instantiating the module). An abort is a bug in the tool, not bad input: it traps.
 * Extism 2.0.0-rc13 reports a trap as "unreachable" and drops the error_set message, but a
 * later runtime may pass it on, so it is set anyway.
 */
function toolAbort(message: string | null, file: string | null, line: u32, column: u32): void {
  const text = "abort: " + (message !== null ? message : "") + " at " + (file !== null ? file : "?") + ":" + line.toString() + ":" + column.toString();
  error_set(Memory.allocateString(text).offset);
  unreachable();
}

/** Reports an error the caller sees ("Plugin-originated error: <message>"); return its result from the export. */
export function fail(message: string): i32 {
  error_set(Memory.allocateString(message).offset);
  return 1;
}

/**
 * Sets the call's output to the UTF-8 bytes of json and returns 0. (Host.outputString would
 * size the block in UTF-16 units and cut non-ASCII text short.)
 */
export function succeed(json: string): i32 {
  Host.output(Uint8Array.wrap(String.UTF8.encode(json)));
  return 0;
}

/** The call's input, a JSON object; the first problem found is kept in `error`. */
export class ToolInput {
  error: string = "";
  private obj: JsonValue;

  constructor(obj: JsonValue, error: string) { this.obj = obj; this.error = error; }

  get ok(): bool { return this.error.length == 0; }

  /** The member's value, or null when it is absent (or null). */
  value(name: string): JsonValue | null {
    const v = this.obj.get(name);
    if (v === null || v.isNull()) return null;
    return v;
  }

  /** A required string member; "" with `error` set when it is missing or not a string. */
  string(name: string): string {
    const v = this.value(name);
    if (v === null) { this.problem("\"" + name + "\" is required"); return ""; }
    if (!v.isString()) { this.problem("\"" + name + "\" must be a string, not " + v.typeName()); return ""; }
    return v.str;
  }

  /** An optional string member, or fallback when it is absent. */
  optString(name: string, fallback: string): string {
    return this.value(name) === null ? fallback : this.string(name);
  }

  private problem(message: string): void {
    if (this.error.length == 0) this.error = "invalid input: " + message;
  }
}

/** Reads and parses the call's input; `error` says why when it is not a JSON object. */
export function readInput(): ToolInput {
  const parsed = parseJson(Host.inputString());
  const value = parsed.value;
  if (value === null) return new ToolInput(new JsonValue(JsonKind.Object), "invalid input: not JSON (" + parsed.error + ")");
  if (!value.isObject()) return new ToolInput(new JsonValue(JsonKind.Object), "invalid input: expected a JSON object, got " + value.typeName());
  return new ToolInput(value, "");
}
