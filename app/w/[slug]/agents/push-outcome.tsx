"use client";

import { DiffView } from "../../../_components/diff-view";
import type { PushResult } from "./last-push";

const headline = (r: PushResult) => {
  const v = `v${r.version.number} · ${r.version.semver}`;
  switch (r.outcome) {
    case "created":
      return `Created ${r.agent.name} ${v}.`;
    case "updated":
      return `Updated ${r.agent.name} to ${v}; it is now active.`;
    case "reactivated":
      return `Same as an earlier version: ${v} is active again.`;
    case "unchanged":
      return `Unchanged: ${v} is already exactly this document.`;
  }
};

/** What a save did: created, updated to vN, reactivated or unchanged, with its diff and warnings. */
export function PushOutcome({ result, onDismiss }: { result: PushResult; onDismiss?: () => void }) {
  return (
    <section
      aria-label="Save result"
      data-testid="push-outcome"
      data-outcome={result.outcome}
      className="mb-6 rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-sm"
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <p role="status" className="font-medium text-emerald-900">
          {headline(result)}
        </p>
        {onDismiss ? (
          <button type="button" onClick={onDismiss} className="text-emerald-800 hover:underline">
            Dismiss
          </button>
        ) : null}
      </div>
      {result.warnings.length ? (
        <ul className="mt-2 list-disc pl-5 text-amber-800">
          {result.warnings.map((w) => (
            <li key={`${w.line}:${w.column}:${w.code}`}>
              {w.line}:{w.column} {w.message}
            </li>
          ))}
        </ul>
      ) : null}
      {result.diff ? (
        <div className="mt-3">
          <DiffView diff={result.diff} label="Changes of this save" />
        </div>
      ) : null}
    </section>
  );
}
