import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/root";

/** One call whole (a run's answer); lists carry only previews of input and output. */
export type Invocation = inferRouterOutputs<AppRouter>["tools"]["run"];
type Diagnostic = NonNullable<Invocation["diagnostic"]>;

// What a diagnostic's limit and observed values are measured in, where the kind says.
const units: Partial<Record<Diagnostic["kind"], string>> = { timeout: "ms", memory: "pages", output_too_large: "bytes" };

export function DiagnosticBadge({ kind }: { kind: Diagnostic["kind"] }) {
  return (
    <span data-testid="diagnostic-kind" className="rounded bg-red-100 px-1.5 py-0.5 font-mono text-xs font-semibold text-red-800">
      {kind}
    </span>
  );
}

export const durationText = (ms: number | null) => (ms === null ? "—" : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`);

const valueText = (value: string | number | null, unit?: string) =>
  value === null ? "—" : typeof value === "number" && unit ? `${value} ${unit}` : String(value);

/** The result of one run: the output as JSON, or why there is none. */
export function RunOutcome({ invocation }: { invocation: Invocation }) {
  const d = invocation.diagnostic;
  if (invocation.status === "ok") {
    return (
      <section
        aria-label="Result"
        data-testid="run-result"
        data-status="ok"
        className="min-w-0 rounded-lg border border-emerald-200 bg-white"
      >
        <header className="flex flex-wrap items-center gap-2 border-b border-emerald-100 bg-emerald-50 px-3 py-1.5 text-sm">
          <span className="font-medium text-emerald-800">ok</span>
          <span className="text-slate-600">
            v{invocation.version} · {durationText(invocation.durationMs)}
          </span>
        </header>
        <pre data-testid="run-output" className="max-h-96 overflow-auto whitespace-pre-wrap break-words p-3 font-mono text-xs">
          {JSON.stringify(invocation.output, null, 2)}
        </pre>
      </section>
    );
  }
  return (
    <section
      aria-label="Result"
      role="alert"
      data-testid="run-result"
      data-status={invocation.status}
      className="min-w-0 rounded-lg border border-red-200 bg-white"
    >
      <header className="flex flex-wrap items-center gap-2 border-b border-red-100 bg-red-50 px-3 py-1.5 text-sm">
        <span className="font-medium text-red-800">{invocation.status === "queued" ? "still queued" : "failed"}</span>
        {d ? <DiagnosticBadge kind={d.kind} /> : null}
        <span className="text-slate-600">
          v{invocation.version} · {durationText(invocation.durationMs)}
        </span>
      </header>
      {d ? (
        <div className="space-y-2 p-3 text-sm">
          <p data-testid="diagnostic-message" className="break-words">
            {d.message}
          </p>
          {d.limit !== null || d.observed !== null ? (
            <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-xs">
              <dt className="text-slate-500">limit</dt>
              <dd data-testid="diagnostic-limit" className="break-words font-mono">
                {valueText(d.limit, units[d.kind])}
              </dd>
              <dt className="text-slate-500">observed</dt>
              <dd data-testid="diagnostic-observed" className="break-words font-mono">
                {valueText(d.observed, units[d.kind])}
              </dd>
            </dl>
          ) : null}
        </div>
      ) : (
        <p className="p-3 text-sm text-slate-600">No worker has finished this run yet.</p>
      )}
    </section>
  );
}
