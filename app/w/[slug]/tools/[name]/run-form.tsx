"use client";

import { useMemo, useState, type FormEvent } from "react";
import { fieldsOf, inputOf, valuesOf, type FieldValues, type InputField } from "./input-fields";

const control = "mt-1 block w-full min-w-0 rounded-md border border-slate-300 px-3 py-1.5 text-sm font-normal";

/** A form generated from the tool's inputSchema, or the whole input as JSON. */
export function RunForm({
  inputSchema,
  pending,
  onRun,
}: {
  inputSchema: unknown;
  pending: boolean;
  onRun: (input: Record<string, unknown>) => void;
}) {
  const fields = useMemo(() => fieldsOf(inputSchema), [inputSchema]);
  const [values, setValues] = useState<FieldValues>(() => valuesOf(fields));
  const [errors, setErrors] = useState<Record<string, string>>({});
  // A schema without properties has nothing to generate: start in raw JSON.
  const [raw, setRaw] = useState<string | null>(fields.length ? null : "{}");
  const [rawError, setRawError] = useState<string | null>(null);

  function parseRaw(text: string): Record<string, unknown> | null {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      setRawError('The input must be a JSON object, like {"text": "…"}.');
    } catch (error) {
      setRawError(`Not valid JSON: ${(error as Error).message}`);
    }
    return null;
  }

  function toggleRaw() {
    if (raw === null) {
      const built = inputOf(fields, values);
      setRaw(JSON.stringify(built.ok ? built.input : {}, null, 2));
      setErrors({});
      return;
    }
    const parsed = parseRaw(raw);
    if (!parsed) return;
    setValues(valuesOf(fields, parsed));
    setRaw(null);
    setRawError(null);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (raw !== null) {
      const parsed = parseRaw(raw);
      if (!parsed) return;
      setRawError(null);
      onRun(parsed);
      return;
    }
    const built = inputOf(fields, values);
    if (!built.ok) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    onRun(built.input);
  }

  return (
    <form aria-label="Run tool" noValidate onSubmit={submit} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="font-semibold">Run</h2>
        {fields.length ? (
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" checked={raw !== null} onChange={toggleRaw} />
            Raw JSON
          </label>
        ) : null}
      </div>
      {raw !== null ? (
        <label className="block text-sm font-medium">
          Input (JSON)
          <textarea
            value={raw}
            onChange={(e) => setRaw(e.target.value)}
            rows={8}
            spellCheck={false}
            aria-invalid={rawError !== null}
            className={`${control} font-mono`}
          />
          {rawError ? (
            <span role="alert" className="mt-1 block text-xs font-normal text-red-700">
              {rawError}
            </span>
          ) : null}
        </label>
      ) : (
        fields.map((field) => (
          <Field
            key={field.name}
            field={field}
            value={values[field.name] ?? ""}
            error={errors[field.name]}
            onChange={(v) => setValues({ ...values, [field.name]: v })}
          />
        ))
      )}
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50"
      >
        {pending ? "Running…" : "Run"}
      </button>
    </form>
  );
}

function Field({
  field,
  value,
  error,
  onChange,
}: {
  field: InputField;
  value: string | boolean;
  error?: string;
  onChange: (value: string | boolean) => void;
}) {
  const id = `input-${field.name}`;
  const described = [field.description ? `${id}-help` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    "aria-describedby": described,
    "aria-invalid": error ? true : undefined,
    "aria-required": field.required || undefined,
  };
  const text = typeof value === "string" ? value : "";
  const label = (
    <>
      <code className="font-mono">{field.name}</code>
      {field.required ? (
        <span className="ml-1 text-red-700" title="required">
          *<span className="sr-only"> (required)</span>
        </span>
      ) : null}
      <span className="ml-2 text-xs font-normal text-slate-500">{typeHint[field.control]}</span>
    </>
  );
  const help = field.description ? (
    <p id={`${id}-help`} className="text-xs text-slate-500">
      {field.description}
    </p>
  ) : null;
  const problem = error ? (
    <p id={`${id}-error`} role="alert" className="mt-1 text-xs text-red-700">
      {error}
    </p>
  ) : null;

  if (field.control === "boolean") {
    return (
      <div>
        <label htmlFor={id} className="flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          {label}
        </label>
        {help}
      </div>
    );
  }
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {help}
      {field.control === "enum" ? (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)} className={control}>
          {field.required ? null : <option value="">(not set)</option>}
          {field.options.map((option, index) => (
            <option key={index} value={String(index)}>
              {typeof option === "string" ? option : JSON.stringify(option)}
            </option>
          ))}
        </select>
      ) : field.control === "textarea" || field.control === "json" ? (
        <textarea
          {...common}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          rows={field.control === "json" ? 4 : 5}
          spellCheck={field.control === "textarea"}
          className={`${control} ${field.control === "json" ? "font-mono" : ""}`}
        />
      ) : (
        <input
          {...common}
          type={field.control === "text" ? "text" : "number"}
          step={field.control === "integer" ? 1 : "any"}
          inputMode={field.control === "integer" ? "numeric" : field.control === "number" ? "decimal" : undefined}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          className={control}
        />
      )}
      {problem}
    </div>
  );
}

const typeHint = {
  text: "string",
  textarea: "string",
  number: "number",
  integer: "integer",
  boolean: "boolean",
  enum: "one of",
  json: "JSON",
} as const;
