/**
 * A tool's inputSchema (JSON Schema of an object) as form fields, and the form's values back
 * as the input object. The server checks the input against the schema again; this only
 * catches what a form can (a missing required field, a number that is not one, bad JSON).
 */

export type FieldControl = "text" | "textarea" | "number" | "integer" | "boolean" | "enum" | "json";

export interface InputField {
  name: string;
  control: FieldControl;
  required: boolean;
  description: string;
  /** The allowed values of an enum, in order. */
  options: unknown[];
  default: unknown;
}

/** Form state: checkboxes hold booleans, everything else the text typed (an enum: its option index). */
export type FieldValues = Record<string, string | boolean>;

// Names that usually hold more than a line: a text area instead of a one-line input.
const LONG_TEXT = /text|csv|document|body|content|source|html|markdown|json|prompt|code|query$/i;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function controlOf(name: string, schema: Record<string, unknown>): FieldControl {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return "enum";
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t) => t !== "null");
  if (types.length !== 1) return "json";
  switch (types[0]) {
    case "string":
      return LONG_TEXT.test(name) || (typeof schema.maxLength === "number" && schema.maxLength > 200) ? "textarea" : "text";
    case "integer":
      return "integer";
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    default:
      return "json";
  }
}

export function fieldsOf(inputSchema: unknown): InputField[] {
  if (!isRecord(inputSchema) || !isRecord(inputSchema.properties)) return [];
  const required = new Set(Array.isArray(inputSchema.required) ? inputSchema.required.filter((r) => typeof r === "string") : []);
  return Object.entries(inputSchema.properties).map(([name, raw]) => {
    const schema = isRecord(raw) ? raw : {};
    return {
      name,
      control: controlOf(name, schema),
      required: required.has(name),
      description: typeof schema.description === "string" ? schema.description : "",
      options: Array.isArray(schema.enum) ? schema.enum : [],
      default: schema.default,
    };
  });
}

/** The form's values from an input object (or the schema's defaults when a value is absent). */
export function valuesOf(fields: readonly InputField[], input: Record<string, unknown> = {}): FieldValues {
  return Object.fromEntries(
    fields.map((field) => {
      const value = field.name in input ? input[field.name] : field.default;
      switch (field.control) {
        case "boolean":
          return [field.name, value === true];
        case "enum": {
          const index = field.options.findIndex((o) => JSON.stringify(o) === JSON.stringify(value));
          // A required select shows its first option, so that is its value too.
          return [field.name, index >= 0 ? String(index) : field.required ? "0" : ""];
        }
        case "json":
          return [field.name, value === undefined ? "" : JSON.stringify(value, null, 2)];
        default:
          return [field.name, value === undefined || value === null ? "" : String(value)];
      }
    }),
  );
}

export type BuiltInput = { ok: true; input: Record<string, unknown> } | { ok: false; errors: Record<string, string> };

/** The input object the form describes; an empty optional field is left out. */
export function inputOf(fields: readonly InputField[], values: FieldValues): BuiltInput {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.control === "boolean") {
      // An unticked optional box without a default says nothing; otherwise it means false.
      if (value === true || field.required || field.default !== undefined) input[field.name] = value === true;
      continue;
    }
    const text = typeof value === "string" ? value : "";
    if (text === "" && field.control !== "text" && field.control !== "textarea") {
      if (field.required) errors[field.name] = "Required.";
      continue;
    }
    if (text === "" && !field.required) continue;
    switch (field.control) {
      case "integer":
      case "number": {
        const number = Number(text.trim());
        if (text.trim() === "" || !Number.isFinite(number)) errors[field.name] = "Enter a number.";
        else if (field.control === "integer" && !Number.isInteger(number)) errors[field.name] = "Enter a whole number.";
        else input[field.name] = number;
        break;
      }
      case "enum":
        input[field.name] = field.options[Number(text)];
        break;
      case "json":
        try {
          input[field.name] = JSON.parse(text);
        } catch (error) {
          errors[field.name] = `Not valid JSON: ${(error as Error).message}`;
        }
        break;
      default:
        input[field.name] = text;
    }
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, input };
}
