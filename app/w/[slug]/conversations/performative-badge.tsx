const styles: Record<string, string> = {
  REQUEST: "bg-sky-50 text-sky-800",
  INFORM: "bg-emerald-50 text-emerald-800",
  QUERY: "bg-indigo-50 text-indigo-800",
  PROPOSE: "bg-violet-50 text-violet-800",
  ACCEPT_PROPOSAL: "bg-teal-50 text-teal-800",
  REJECT_PROPOSAL: "bg-orange-50 text-orange-800",
  FAILURE: "bg-red-50 text-red-800",
  NOT_UNDERSTOOD: "bg-amber-50 text-amber-800",
};

export function PerformativeBadge({ performative }: { performative: string }) {
  return (
    <span
      data-testid="performative"
      className={`rounded px-1.5 py-0.5 font-mono text-xs font-semibold ${styles[performative] ?? "bg-slate-100 text-slate-700"}`}
    >
      {performative}
    </span>
  );
}

const statusStyles: Record<string, string> = {
  queued: "bg-slate-100 text-slate-700",
  running: "bg-sky-50 text-sky-800",
  answered: "bg-emerald-50 text-emerald-800",
  failed: "bg-red-50 text-red-800",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span data-testid="status" className={`rounded-full px-2 py-0.5 text-xs font-medium ${statusStyles[status] ?? statusStyles.queued}`}>
      {status}
    </span>
  );
}
