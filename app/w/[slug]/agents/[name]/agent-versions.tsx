"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmButton } from "../../../../_components/confirm-button";
import { DiffView } from "../../../../_components/diff-view";
import { ErrorNote } from "../../../../_components/error-note";
import { useTRPC } from "../../../../_components/trpc";
import { useWorkspace } from "../../../../_components/workspace-context";

/** Which two versions a diff compares: a version against the active one; the active one against its predecessor. */
function rangeOf(number: number, active: number | null): { from: number; to: number } | null {
  if (active === null || number === active) return number > 1 ? { from: number - 1, to: number } : null;
  return { from: number, to: active };
}

export function AgentVersions({ name, activeNumber }: { name: string; activeNumber: number | null }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [compared, setCompared] = useState<number | null>(null);
  const versions = useInfiniteQuery(
    trpc.agents.versions.infiniteQueryOptions(
      { workspace: workspace.slug, name, limit: 20 },
      { getNextPageParam: (p) => p.nextCursor ?? undefined },
    ),
  );
  const range = compared === null ? null : rangeOf(compared, activeNumber);
  const diff = useQuery({
    ...trpc.agents.diff.queryOptions({ workspace: workspace.slug, name, ...(range ?? {}) }),
    enabled: range !== null,
  });
  const activate = useMutation(
    trpc.agents.activate.mutationOptions({
      onSuccess: () => {
        setCompared(null);
        return queryClient.invalidateQueries({ queryKey: trpc.agents.pathKey() });
      },
    }),
  );
  const rows = versions.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="versions" className="min-w-0">
      <h2 id="versions" className="mb-2 font-semibold">
        Versions
      </h2>
      {versions.isPending ? (
        <p role="status" className="text-sm text-slate-500">
          Loading versions…
        </p>
      ) : null}
      <ErrorNote error={versions.error ?? activate.error} />
      <ol className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        {rows.map((v) => (
          <li
            key={v.number}
            data-testid="version-row"
            data-version={v.number}
            className="flex flex-wrap items-center gap-x-3 gap-y-2 px-3 py-2 text-sm"
          >
            <span className="font-mono font-medium">v{v.number}</span>
            <span className="font-mono text-xs text-slate-600">{v.semver}</span>
            {v.active ? <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">active</span> : null}
            <span className="min-w-0 truncate text-xs text-slate-500" title={new Date(v.createdAt).toLocaleString()}>
              {v.createdBy} · {new Date(v.createdAt).toLocaleDateString()}
            </span>
            <span className="ml-auto flex flex-wrap items-center gap-2">
              {rangeOf(v.number, activeNumber) ? (
                <button
                  type="button"
                  aria-pressed={compared === v.number}
                  onClick={() => setCompared(compared === v.number ? null : v.number)}
                  className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 aria-pressed:bg-slate-100"
                >
                  Diff
                </button>
              ) : null}
              {!v.active && workspace.can("agents.write") ? (
                <ConfirmButton
                  tone="neutral"
                  label="Activate"
                  confirmLabel={`Activate v${v.number}`}
                  description={`Make v${v.number} the active version?`}
                  pending={activate.isPending}
                  onConfirm={() => activate.mutate({ workspace: workspace.slug, name, version: v.number })}
                />
              ) : null}
            </span>
          </li>
        ))}
      </ol>
      {versions.hasNextPage ? (
        <button type="button" onClick={() => void versions.fetchNextPage()} className="mt-2 text-sm font-medium text-brand-700">
          Load more
        </button>
      ) : null}
      {range ? (
        <div className="mt-4">
          <h3 className="mb-1 text-sm font-medium">
            v{range.from} → v{range.to}
          </h3>
          {diff.isPending ? (
            <p role="status" className="text-sm text-slate-500">
              Loading diff…
            </p>
          ) : null}
          <ErrorNote error={diff.error} />
          {diff.data?.identical ? <p className="text-sm text-slate-600">The two versions are identical.</p> : null}
          {diff.data && !diff.data.identical ? <DiffView diff={diff.data.diff} label={`Diff v${range.from} to v${range.to}`} /> : null}
        </div>
      ) : null}
    </section>
  );
}
