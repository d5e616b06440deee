"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ErrorNote } from "../../../_components/error-note";
import { EmptyState, PageHeader } from "../../../_components/page-header";
import { relativeTime } from "../../../_components/relative-time";
import { sections } from "../../../_components/sections";
import { useTRPC } from "../../../_components/trpc";
import { useWorkspace } from "../../../_components/workspace-context";
import { CapabilityChips } from "./capability-chips";
import { KindBadge } from "./kind-badge";
import { LoadMore } from "../../../_components/load-more";

const primary = "rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700";
const secondary = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50";

export function AgentList() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const agents = useInfiniteQuery(
    trpc.agents.list.infiniteQueryOptions({ workspace: workspace.slug, limit: 50 }, { getNextPageParam: (p) => p.nextCursor ?? undefined }),
  );
  const rows = agents.data?.pages.flatMap((p) => p.items) ?? [];
  const base = `/w/${workspace.slug}/agents`;
  const canWrite = workspace.can("agents.write");
  const actions = canWrite ? (
    <div className="flex flex-wrap gap-2">
      <Link href={`${base}/new`} className={secondary}>
        Start from a template
      </Link>
      <Link href={`${base}/new/blank`} className={primary}>
        New agent
      </Link>
    </div>
  ) : null;

  return (
    <>
      <PageHeader title={sections.agents.label} description={sections.agents.description}>
        {rows.length ? actions : null}
      </PageHeader>
      {agents.isPending ? (
        <p role="status" className="text-sm text-slate-500">
          Loading agents…
        </p>
      ) : null}
      <ErrorNote error={agents.error} />
      {agents.isSuccess && rows.length === 0 ? (
        <EmptyState title={sections.agents.emptyTitle}>
          <p>{sections.agents.emptyBody}</p>
          {canWrite ? (
            <div className="mt-4 flex flex-wrap justify-center gap-2">{actions}</div>
          ) : (
            <p className="mt-2">Your role ({workspace.role}) cannot create agents.</p>
          )}
        </EmptyState>
      ) : null}
      {rows.length ? (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase text-slate-500">
              <tr>
                <th className="px-3 py-2">Name</th>
                <th className="px-3 py-2">Kind</th>
                <th className="px-3 py-2">Capabilities</th>
                <th className="px-3 py-2">Active version</th>
                <th className="px-3 py-2">Status</th>
                <th className="px-3 py-2">Last activity</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((a) => (
                <tr key={a.name} data-testid="agent-row">
                  <td className="px-3 py-2">
                    <Link href={`${base}/${a.name}`} className="font-medium text-brand-700 hover:underline">
                      {a.name}
                    </Link>
                    <p className="max-w-xs truncate text-xs text-slate-500">{a.description}</p>
                  </td>
                  <td className="px-3 py-2">
                    <KindBadge kind={a.kind} />
                  </td>
                  <td className="px-3 py-2">
                    <CapabilityChips capabilities={a.capabilities} />
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">
                    {a.activeVersion ? `v${a.activeVersion.number} · ${a.activeVersion.semver}` : "—"}
                  </td>
                  <td className="px-3 py-2">
                    <span className={a.status === "active" ? "text-emerald-700" : "text-slate-500"}>{a.status}</span>
                  </td>
                  <td className="whitespace-nowrap px-3 py-2" title={new Date(a.lastActivityAt).toLocaleString()}>
                    {relativeTime(a.lastActivityAt)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <LoadMore query={agents} />
    </>
  );
}
