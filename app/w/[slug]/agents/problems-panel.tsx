"use client";

import type { EditorProblem } from "../../../_components/toml-editor";

/** Every problem of the document as `line:col message`; choosing one moves the editor's cursor there. */
export function ProblemsPanel({ problems, onSelect }: { problems: readonly EditorProblem[]; onSelect: (problem: EditorProblem) => void }) {
  return (
    <section aria-label="Problems" data-testid="problems-panel" className="mt-3 rounded-md border border-slate-200 bg-white text-sm">
      <h2 className="border-b border-slate-100 px-3 py-1.5 text-xs font-semibold uppercase text-slate-500">
        Problems {problems.length ? `(${problems.length})` : ""}
      </h2>
      {problems.length === 0 ? (
        <p className="px-3 py-2 text-slate-500">No problems.</p>
      ) : (
        <ul className="max-h-60 divide-y divide-slate-100 overflow-y-auto">
          {problems.map((p, index) => (
            <li key={`${index}:${p.line}:${p.column}:${p.code}`}>
              <button
                type="button"
                data-testid="problem"
                data-severity={p.severity}
                onClick={() => onSelect(p)}
                className="flex w-full items-start gap-2 px-3 py-1.5 text-left hover:bg-slate-50"
              >
                <span
                  aria-label={p.severity}
                  className={`mt-0.5 shrink-0 rounded px-1 text-xs font-semibold ${p.severity === "error" ? "bg-red-100 text-red-800" : "bg-amber-100 text-amber-800"}`}
                >
                  {p.severity === "error" ? "error" : "warn"}
                </span>
                <span className="shrink-0 font-mono text-xs leading-5 text-slate-500">
                  {p.line}:{p.column}
                </span>
                <span className="min-w-0 break-words">
                  {p.message}
                  {p.suggestions.length ? <span className="block text-xs text-slate-500">Try: {p.suggestions.join(" · ")}</span> : null}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
