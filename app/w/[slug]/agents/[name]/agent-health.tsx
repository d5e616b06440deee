import Link from "next/link";
import { relativeTime } from "../../../../_components/relative-time";

const breakerTone = {
  closed: "bg-emerald-50 text-emerald-800",
  "half-open": "bg-amber-50 text-amber-800",
  open: "bg-red-50 text-red-800",
} as const;
const breakerMeaning = {
  closed: "taking messages",
  "half-open": "trying one message after repeated failures",
  open: "skipped after repeated failures; other agents with its capabilities answer",
} as const;

export function BreakerBadge({ state }: { state: keyof typeof breakerTone }) {
  return (
    <span
      data-testid="breaker-state"
      title={breakerMeaning[state]}
      className={`rounded px-1.5 py-0.5 text-xs font-medium ${breakerTone[state]}`}
    >
      {state}
    </span>
  );
}

interface Failure {
  messageId: string;
  conversationId: string;
  capability: string;
  reason: string;
  createdAt: string;
}

/** The agent's last failed turns, each linking to its conversation. */
export function RecentFailures({ failures, base }: { failures: Failure[]; base: string }) {
  if (!failures.length) return null;
  return (
    <section aria-labelledby="recent-failures" className="mt-8 max-w-3xl">
      <h2 id="recent-failures" className="mb-2 font-semibold">
        Recent failures
      </h2>
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm" data-testid="recent-failures">
        {failures.map((f) => (
          <li key={f.messageId} className="px-3 py-2">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <Link href={`${base}/conversations/${f.conversationId}`} className="font-mono text-xs text-brand-700 hover:underline">
                {f.capability}
              </Link>
              <span className="text-xs text-slate-500" title={new Date(f.createdAt).toLocaleString()}>
                {relativeTime(f.createdAt)}
              </span>
            </div>
            <p className="mt-1 break-words text-slate-700">{f.reason}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
