"use client";

import { useState } from "react";

export interface TemplateParamView {
  name: string;
  description: string;
  default: string | null;
  pattern: string | null;
  options: string[] | null;
}

/** Why a value does not suit its param (the server checks the same), or null. */
export function paramProblem(param: TemplateParamView, value: string): string | null {
  if (param.options) return param.options.includes(value) ? null : `Choose one of ${param.options.join(", ")}.`;
  if (value === "" && param.default === null) return "Required.";
  if (param.pattern) {
    try {
      if (!new RegExp(param.pattern, "u").test(value)) return `Must match ${param.pattern}`;
    } catch {
      return null; // the server is the judge of a pattern the browser cannot compile
    }
  }
  return null;
}

/** One input per template param: defaults filled in, patterns shown and checked as you type, options as a select. */
export function TemplateParamForm({
  templateId,
  params,
  pending,
  onSubmit,
  onCancel,
}: {
  templateId: string;
  params: readonly TemplateParamView[];
  pending: boolean;
  onSubmit: (values: Record<string, string>) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(params.map((p) => [p.name, p.default ?? p.options?.[0] ?? ""])),
  );
  const problems = Object.fromEntries(params.map((p) => [p.name, paramProblem(p, values[p.name] ?? "")]));
  const valid = Object.values(problems).every((p) => p === null);
  const field = "mt-1 block w-full rounded-md border px-3 py-1.5 font-normal";

  return (
    <form
      aria-label="Template parameters"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) onSubmit(values);
      }}
      className="mt-4 space-y-3 border-t border-slate-100 pt-4"
    >
      {params.map((p) => {
        const id = `${templateId}-${p.name}`;
        const problem = problems[p.name];
        return (
          <div key={p.name}>
            <label htmlFor={id} className="block text-sm font-medium">
              <code className="font-mono">{p.name}</code>
            </label>
            <p id={`${id}-help`} className="text-xs text-slate-500">
              {p.description}
              {p.pattern ? (
                <>
                  {" "}
                  Pattern: <code className="font-mono">{p.pattern}</code>
                </>
              ) : null}
            </p>
            {p.options ? (
              <select
                id={id}
                value={values[p.name]}
                onChange={(e) => setValues({ ...values, [p.name]: e.target.value })}
                aria-describedby={`${id}-help`}
                className={`${field} border-slate-300`}
              >
                {p.options.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                value={values[p.name]}
                onChange={(e) => setValues({ ...values, [p.name]: e.target.value })}
                aria-invalid={problem !== null}
                aria-describedby={`${id}-help ${id}-problem`}
                className={`${field} font-mono ${problem ? "border-red-400" : "border-slate-300"}`}
              />
            )}
            {problem ? (
              <p id={`${id}-problem`} className="mt-1 text-xs text-red-700">
                {problem}
              </p>
            ) : null}
          </div>
        );
      })}
      <div className="flex flex-wrap gap-2">
        <button
          type="submit"
          disabled={!valid || pending}
          className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50"
        >
          {pending ? "Creating…" : "Create agent"}
        </button>
        <button type="button" onClick={onCancel} className="rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
          Cancel
        </button>
      </div>
    </form>
  );
}
