/**
 * An LLM reply's trace, readably: provider, model and tokens, then each step the model took
 * (a workspace tool run in the sandbox, or `ask` delegating to another capability) with its
 * input, and its output or the diagnostic that ended it.
 */

interface TraceStep {
  tool?: unknown;
  input?: unknown;
  output?: unknown;
  diagnostic?: unknown;
  invocationId?: unknown;
}

interface Trace {
  provider?: unknown;
  model?: unknown;
  steps?: unknown;
  usage?: { inputTokens?: unknown; outputTokens?: unknown };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value, null, 2));

export function TraceSteps({ trace }: { trace: unknown }) {
  if (!isObject(trace)) return null;
  const t = trace as Trace;
  const steps = Array.isArray(t.steps) ? (t.steps.filter(isObject) as TraceStep[]) : [];
  const usage = isObject(t.usage) ? t.usage : null;
  return (
    <details data-testid="trace" className="mt-2 rounded bg-slate-50 p-2 text-xs" open={steps.length > 0}>
      <summary className="cursor-pointer text-slate-600">
        {typeof t.provider === "string" ? t.provider : "LLM"}
        {typeof t.model === "string" ? ` · ${t.model}` : ""} · {steps.length} step{steps.length === 1 ? "" : "s"}
        {usage ? ` · ${String(usage.inputTokens ?? 0)} tokens in, ${String(usage.outputTokens ?? 0)} out` : ""}
      </summary>
      {steps.length ? (
        <ol className="mt-2 space-y-2">
          {steps.map((step, i) => (
            <Step key={i} step={step} index={i + 1} />
          ))}
        </ol>
      ) : (
        <p className="mt-1 text-slate-500">The model answered without calling a tool.</p>
      )}
    </details>
  );
}

function Step({ step, index }: { step: TraceStep; index: number }) {
  const tool = typeof step.tool === "string" ? step.tool : "?";
  const input = isObject(step.input) ? step.input : null;
  const asked = tool === "ask" && input && typeof input.capability === "string" ? input.capability : null;
  const failed = step.diagnostic !== undefined && step.diagnostic !== null;
  const diagnostic =
    isObject(step.diagnostic) && typeof step.diagnostic.message === "string" ? step.diagnostic.message : text(step.diagnostic);
  return (
    <li
      data-testid="trace-step"
      data-tool={tool}
      className={`rounded border bg-white p-2 ${failed ? "border-red-200" : "border-slate-200"}`}
    >
      <p className="flex flex-wrap items-center gap-2">
        <span className="text-slate-500">{index}.</span>
        <span className="font-mono font-semibold">{tool}</span>
        {asked ? <span className="font-mono text-slate-600">→ {asked}</span> : null}
        <span className={failed ? "text-red-700" : "text-emerald-700"}>{failed ? "failed" : "ok"}</span>
        {typeof step.invocationId === "string" ? (
          <span className="ml-auto font-mono text-slate-500 break-all">invocation {step.invocationId}</span>
        ) : null}
      </p>
      <dl className="mt-1 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1">
        <dt className="text-slate-500">Input</dt>
        <dd>
          <pre className="overflow-x-auto whitespace-pre-wrap break-words font-mono">{text(step.input)}</pre>
        </dd>
        {failed ? (
          <>
            <dt className="text-red-700">Diagnostic</dt>
            <dd>
              <pre data-testid="trace-diagnostic" className="overflow-x-auto whitespace-pre-wrap break-words font-mono text-red-800">
                {diagnostic}
              </pre>
            </dd>
          </>
        ) : (
          <>
            <dt className="text-slate-500">Output</dt>
            <dd>
              <pre className="overflow-x-auto whitespace-pre-wrap break-words font-mono">{text(step.output)}</pre>
            </dd>
          </>
        )}
      </dl>
    </li>
  );
}
