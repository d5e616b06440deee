/**
 * The placeholders of a mock script (`[[llm.script]]`): what an entry may write and what the
 * runtime fills. Pure, so validation (server, CLI, editor) and the mock provider share it.
 *
 * - `{{request}}`: the request the agent is answering, as text.
 * - `{{result.N}}`: the result of the script's Nth call (1-based, in script order), as JSON
 *   text, or as-is when it is a string. For `ask` it is `{ agent, content }`.
 * - `{{result.N.a.b}}`: one field inside that result (`{{result.1.content.words}}`).
 */

export const SCRIPT_PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const RESULT = /^result\.([1-9][0-9]*)((?:\.[A-Za-z0-9_-]+)*)$/;

/** The placeholders a script may use, for suggestions. */
export const SCRIPT_PLACEHOLDER_FORMS = ["request", "result.1", "result.1.content"] as const;

export type ScriptPlaceholder = { kind: "request" } | { kind: "result"; call: number; path: string[] };

export function parseScriptPlaceholder(name: string): ScriptPlaceholder | undefined {
  if (name === "request") return { kind: "request" };
  const match = RESULT.exec(name);
  if (!match) return undefined;
  return { kind: "result", call: Number(match[1]), path: match[2] ? match[2].slice(1).split(".") : [] };
}

/** Every string inside a value (an entry's `input`), with where it sits. */
export function stringsIn(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; text: string }[] {
  if (typeof value === "string") return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringsIn(item, [...path, index]));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => stringsIn(item, [...path, key]));
  return [];
}
