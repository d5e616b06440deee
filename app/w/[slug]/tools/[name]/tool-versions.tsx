"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { ErrorNote } from "../../../../_components/error-note";
import { useTRPC } from "../../../../_components/trpc";
import { useWorkspace } from "../../../../_components/workspace-context";
import { ToolKindBadge } from "../tool-badges";

const kib = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`);

export function ToolVersions({ name }: { name: string }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const versions = useInfiniteQuery(
    trpc.tools.versions.infiniteQueryOptions(
      { workspace: workspace.slug, name, limit: 20 },
      { getNextPageParam: (p) => p.nextCursor ?? undefined },
    ),
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
      <ErrorNote error={versions.error} />
      <ol className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        {rows.map((v) => (
          <li
            key={v.number}
            data-testid="version-row"
            data-version={v.number}
            className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm"
          >
            <span className="font-mono font-medium">v{v.number}</span>
            <span className="font-mono text-xs text-slate-600">{v.semver}</span>
            <ToolKindBadge kind={v.kind} />
            {v.active ? <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">active</span> : null}
            <span className="text-xs text-slate-500">{kib(v.moduleBytes)}</span>
            <span
              className="min-w-0 truncate text-xs text-slate-500"
              title={`${new Date(v.createdAt).toLocaleString()} · sha256 ${v.contentHash}`}
            >
              {v.createdBy} · {new Date(v.createdAt).toLocaleDateString()}
            </span>
          </li>
        ))}
      </ol>
      {versions.hasNextPage ? (
        <button type="button" onClick={() => void versions.fetchNextPage()} className="mt-2 text-sm font-medium text-brand-700">
          Load more
        </button>
      ) : null}
    </section>
  );
}
