import { z } from "zod";
import type { Position } from "./source-map";

/**
 * What validation can say about a document (an agent, a tool manifest): the codes, one
 * problem's shape, its schema. One list, so every document speaks the same language.
 */

export const MAX_NESTING = 10;

export const problemCodes = {
  syntax_error: "The document is not valid TOML.",
  document_too_large: "The document is larger than its limit (256 KiB for agents).",
  nesting_too_deep: `Tables and arrays are nested more than ${MAX_NESTING} levels deep.`,
  invalid_encoding: "The document is not valid UTF-8 text.",
  invalid_text: "A string (or key) holds a NUL character or an unpaired surrogate, written as an escape; neither can be stored as text.",
  unknown_key: "A key the schema does not know (often a typo; suggestions name the closest known keys).",
  misplaced_key: "A top-level key written after a table header, so TOML put it inside that table.",
  missing_field: "A required field is absent.",
  invalid_type: "A value of the wrong type (a string where a number belongs, for example).",
  invalid_value: "A value of the right type that breaks a rule: a pattern, a range or a list of allowed values.",
  duplicate_value: "The same entry appears twice in a list that must not repeat.",
  // Agent documents only:
  agent_kind: "An agent needs exactly one of `[llm]` (an LLM agent) and `[handler]` (a tool agent).",
  unknown_placeholder:
    "A `{{placeholder}}` in `user_prompt_template` or in a mock `[[llm.script]]` that the runtime does not fill (or a `{{result.N}}` before call N).",
  unused_field: "A field that has no effect for this kind of agent (warning).",
} as const;

export type ProblemCode = keyof typeof problemCodes;

export interface Problem {
  severity: "error" | "warning";
  code: ProblemCode;
  /** Dotted path of the field (`llm.temperature`, `capabilities[1]`); "" for the whole document. */
  field: string;
  message: string;
  line: number;
  column: number;
  suggestions: string[];
}

export const START: Position = { line: 1, column: 1 };

export const problem = (
  code: ProblemCode,
  field: string,
  message: string,
  at: Position,
  suggestions: string[] = [],
  severity: Problem["severity"] = "error",
): Problem => ({
  severity,
  code,
  field,
  message,
  line: at.line,
  column: at.column,
  suggestions,
});

/** A problem as the API declares it (REST 422 details, tRPC outputs). */
export const problemSchema = z.object({
  severity: z.enum(["error", "warning"]),
  code: z.enum(Object.keys(problemCodes) as [ProblemCode, ...ProblemCode[]]),
  field: z.string(),
  message: z.string(),
  line: z.int(),
  column: z.int(),
  suggestions: z.array(z.string()),
});
