"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { ErrorNote } from "../../../../_components/error-note";
import { relativeTime } from "../../../../_components/relative-time";
import { useTRPC } from "../../../../_components/trpc";
import { useWorkspace } from "../../../../_components/workspace-context";
import { DiagnosticBadge, durationText } from "./outcome";
import { LoadMore } from "../../../../_components/load-more";

/** The tool's recent runs, newest first; the page refetches it after each run. */
export function ToolInvocations({ name }: { name: string }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const invocations = useInfiniteQuery(
    trpc.tools.invocations.infiniteQueryOptions(
      { workspace: workspace.slug, name, limit: 20 },
      { getNextPageParam: (p) => p.nextCursor ?? undefined },
    ),
  );
  const rows = invocations.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="invocations" className="min-w-0">
      <h2 id="invocations" className="mb-2 font-semibold">
        Invocations
      </h2>
      {invocations.isPending ? (
        <p role="status" className="text-sm text-slate-500">
          Loading invocations…
        </p>
      ) : null}
      <ErrorNote error={invocations.error} />
      {invocations.isSuccess && rows.length === 0 ? <p className="text-sm text-slate-500">Not run yet.</p> : null}
      {rows.length ? (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase text-slate-500">
              <tr>
                <th className="px-3 py-2">When</th>
                <th className="px-3 py-2">Version</th>
                <th className="px-3 py-2">Caller</th>
                <th className="px-3 py-2">Duration</th>
                <th className="px-3 py-2">Outcome</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((i) => (
                <tr key={i.id} data-testid="invocation-row" data-status={i.status}>
                  <td className="whitespace-nowrap px-3 py-2" title={new Date(i.createdAt).toLocaleString()}>
                    {relativeTime(i.createdAt)}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">v{i.version}</td>
                  <td className="px-3 py-2">
                    <span className="text-xs text-slate-500">{i.caller.type}</span> {i.caller.label}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{durationText(i.durationMs)}</td>
                  <td className="px-3 py-2" title={i.diagnostic?.message}>
                    {i.status === "ok" ? (
                      <span className="text-emerald-700">ok</span>
                    ) : i.diagnostic ? (
                      <DiagnosticBadge kind={i.diagnostic.kind} />
                    ) : (
                      <span className="text-slate-500">{i.status}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <LoadMore query={invocations} />
    </section>
  );
}
