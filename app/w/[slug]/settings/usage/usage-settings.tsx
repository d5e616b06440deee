"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { QuotaName } from "@/server/quotas/quotas";
import { ErrorNote } from "../../../../_components/error-note";
import { useTRPC } from "../../../../_components/trpc";
import { useWorkspace } from "../../../../_components/workspace-context";

export function UsageSettings() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const usage = useQuery(trpc.usage.get.queryOptions({ workspace: workspace.slug }, { refetchInterval: 10_000 }));
  if (usage.isPending)
    return (
      <p role="status" className="text-sm text-slate-500">
        Loading usage…
      </p>
    );
  if (usage.isError) return <ErrorNote error={usage.error} />;
  return (
    <ul className="max-w-2xl space-y-4">
      {usage.data.map((q) => (
        <QuotaRow key={q.name} quota={q} editable={workspace.can("quotas.update")} />
      ))}
    </ul>
  );
}

function QuotaRow({
  quota,
  editable,
}: {
  quota: { name: QuotaName; description: string; limit: number; used: number; isDefault: boolean };
  editable: boolean;
}) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [limit, setLimit] = useState(String(quota.limit));
  const save = useMutation(
    trpc.usage.setQuota.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(trpc.usage.get.queryKey({ workspace: workspace.slug }), data),
    }),
  );
  const share = Math.min(1, quota.used / quota.limit);
  const tone = share >= 1 ? "bg-red-500" : share >= 0.8 ? "bg-amber-500" : "bg-brand-500";
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4" data-testid={`quota-${quota.name}`}>
      <div className="flex items-baseline justify-between gap-4">
        <h2 className="font-medium">{quota.description}</h2>
        <span className="text-sm text-slate-600">
          {quota.used} of {quota.limit}
          {quota.isDefault ? " (default)" : ""}
        </span>
      </div>
      <div
        className="mt-2 h-2 overflow-hidden rounded-full bg-slate-100"
        role="progressbar"
        aria-label={quota.description}
        aria-valuemin={0}
        aria-valuemax={quota.limit}
        aria-valuenow={quota.used}
      >
        <div className={`h-full ${tone}`} style={{ width: `${share * 100}%` }} />
      </div>
      {editable ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ workspace: workspace.slug, name: quota.name, limit: Number(limit) });
          }}
          className="mt-3 flex flex-wrap items-center gap-2 text-sm"
        >
          <label>
            Limit{" "}
            <input
              type="number"
              min={1}
              max={1_000_000}
              value={limit}
              onChange={(e) => setLimit(e.target.value)}
              className="w-28 rounded-md border border-slate-300 px-2 py-1"
            />
          </label>
          <button
            type="submit"
            disabled={save.isPending}
            className="rounded-md border border-slate-300 px-3 py-1 font-medium hover:bg-slate-50"
          >
            Save
          </button>
          {!quota.isDefault ? (
            <button
              type="button"
              onClick={() => save.mutate({ workspace: workspace.slug, name: quota.name, limit: null })}
              className="text-slate-600 hover:text-slate-900"
            >
              Reset to default
            </button>
          ) : null}
        </form>
      ) : null}
      <ErrorNote error={save.error} />
    </li>
  );
}
