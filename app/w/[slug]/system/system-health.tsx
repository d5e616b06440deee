"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../../_components/trpc";

type Status = "ok" | "degraded" | "fail";
type CheckView = { status: Status; latencyMs: number; message?: string };

const labels = { database: "Database", redis: "Redis", worker: "Worker" } as const;

const dotColor: Record<Status, string> = { ok: "bg-emerald-500", degraded: "bg-amber-500", fail: "bg-red-500" };
const statusText: Record<Status, string> = { ok: "Healthy", degraded: "Degraded", fail: "Failing" };
const statusColor: Record<Status, string> = { ok: "text-emerald-700", degraded: "text-amber-700", fail: "text-red-700" };

function StatusDot({ status }: { status: Status }) {
  return <span className={`inline-block h-2.5 w-2.5 rounded-full ${dotColor[status]}`} aria-hidden="true" />;
}

function formatAge(ms: number | null) {
  if (ms === null) return "never";
  return ms < 1_000 ? "just now" : `${Math.round(ms / 1_000)} s ago`;
}

export function SystemHealth() {
  const trpc = useTRPC();
  const health = useQuery(trpc.system.health.queryOptions(undefined, { refetchInterval: 2_000, staleTime: 0 }));

  if (health.isPending) {
    return (
      <p className="text-sm text-slate-500" role="status">
        Checking health…
      </p>
    );
  }
  if (health.isError) {
    return (
      <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
        The web server did not answer the health check: {health.error.message}. It may be restarting; this page retries on its own.
      </div>
    );
  }
  const h = health.data;
  const ok = h.status === "ok";
  const worker = h.checks.worker;
  return (
    <section aria-label="Health" className="space-y-4">
      <div
        data-testid="overall-status"
        data-status={h.status}
        className={`flex items-center gap-3 rounded-lg border p-4 ${ok ? "border-emerald-200 bg-emerald-50" : h.status === "degraded" ? "border-amber-200 bg-amber-50" : "border-red-200 bg-red-50"}`}
      >
        <StatusDot status={h.status} />
        <div>
          <p className="font-semibold">
            {ok ? "All systems operational" : h.status === "degraded" ? "Working, with a fault being healed" : "Something needs attention"}
          </p>
          <p className="text-sm text-slate-600">
            Version {h.version} · up {h.uptimeS} s
          </p>
        </div>
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        {(Object.keys(labels) as (keyof typeof labels)[]).map((name) => {
          const check: CheckView = h.checks[name];
          return (
            <div
              key={name}
              data-testid={`check-${name}`}
              data-status={check.status}
              className="rounded-lg border border-slate-200 bg-white p-4"
            >
              <div className="flex items-center justify-between">
                <h2 className="font-medium">{labels[name]}</h2>
                <span className={`flex items-center gap-2 text-sm ${statusColor[check.status]}`}>
                  <StatusDot status={check.status} /> {statusText[check.status]}
                </span>
              </div>
              <p className="mt-2 text-sm text-slate-600">
                {name === "worker"
                  ? `${worker.workers} worker(s) · last heartbeat ${formatAge(worker.lastBeatAgeMs)}`
                  : `Answered in ${check.latencyMs} ms`}
              </p>
              {name === "worker" ? (
                <p className="mt-1 text-sm text-slate-600" data-testid="worker-jobs">
                  {`Jobs: ${worker.jobs.started} started · ${worker.jobs.finished} finished · ${worker.jobs.running} running`}
                  {worker.jobs.oldestRunningMs !== null ? ` (oldest ${Math.round(worker.jobs.oldestRunningMs / 1_000)} s)` : ""}
                  {worker.restarts ? ` · restarted ${worker.restarts}×` : ""}
                </p>
              ) : null}
              {check.message ? <p className={`mt-2 text-sm ${statusColor[check.status]}`}>{check.message}</p> : null}
            </div>
          );
        })}
      </div>
    </section>
  );
}
