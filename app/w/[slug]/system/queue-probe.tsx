"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../../_components/trpc";
import { useWorkspace } from "../../../_components/workspace-context";

/** Sends a job through Redis to a worker and back into Postgres, and shows the round trip. */
export function QueueProbe() {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const [probeId, setProbeId] = useState<string | null>(null);
  const start = useMutation(trpc.system.startProbe.mutationOptions({ onSuccess: (probe) => setProbeId(probe.id) }));
  const probe = useQuery({
    ...trpc.system.probe.queryOptions({ id: probeId ?? "" }),
    enabled: probeId !== null,
    refetchInterval: (query) => (query.state.data?.status === "completed" ? false : 250),
  });

  const status = probe.data?.status;
  return (
    <section aria-label="Queue round trip" className="mt-8 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 className="font-medium">Queue round trip</h2>
          <p className="text-sm text-slate-600">Sends a job to a worker and waits for it to be recorded as done.</p>
        </div>
        <button
          type="button"
          onClick={() => start.mutate({ workspace: workspace.slug, durationMs: 0 })}
          disabled={start.isPending || (probeId !== null && status !== "completed")}
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50"
        >
          Run check
        </button>
      </div>
      <p className="mt-3 text-sm" role="status" data-testid="probe-result">
        {start.isError
          ? `Could not enqueue the job: ${start.error.message}`
          : status === "completed"
            ? `Completed by ${probe.data?.workerId} in ${probe.data?.roundTripMs} ms.`
            : probeId
              ? `Job ${status ?? "queued"}…`
              : "Not run yet."}
      </p>
    </section>
  );
}
