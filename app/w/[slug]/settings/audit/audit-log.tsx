"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { auditActions } from "@/server/audit/actions";
import { ErrorNote } from "../../../../_components/error-note";
import { useTRPC } from "../../../../_components/trpc";
import { useWorkspace } from "../../../../_components/workspace-context";

type Action = (typeof auditActions)[number];

export function AuditLog() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const [actor, setActor] = useState("");
  const [action, setAction] = useState<Action | "">("");
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const filter = {
    ...(actor ? { actor } : {}),
    ...(action ? { action } : {}),
    ...(since ? { since: new Date(since) } : {}),
    ...(until ? { until: new Date(until) } : {}),
  };
  const events = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { workspace: workspace.slug, limit: 50, ...filter },
      { getNextPageParam: (p) => p.nextCursor ?? undefined },
    ),
  );
  const rows = events.data?.pages.flatMap((p) => p.items) ?? [];
  const exportQuery = new URLSearchParams(
    Object.entries({
      actor,
      action,
      since: since ? new Date(since).toISOString() : "",
      until: until ? new Date(until).toISOString() : "",
    }).filter(([, v]) => v),
  ).toString();

  if (!workspace.can("audit.view")) return <p className="text-sm text-slate-600">Only owners and admins can read the audit log.</p>;
  return (
    <div className="space-y-4">
      <form className="flex flex-wrap items-end gap-3 text-sm" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label className="flex flex-col">
          Actor
          <input
            value={actor}
            onChange={(e) => setActor(e.target.value)}
            placeholder="email or user id"
            className="rounded-md border border-slate-300 px-2 py-1"
          />
        </label>
        <label className="flex flex-col">
          Action
          <select
            value={action}
            onChange={(e) => setAction(e.target.value as Action | "")}
            className="rounded-md border border-slate-300 px-2 py-1"
          >
            <option value="">any</option>
            {auditActions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col">
          From
          <input
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.target.value)}
            className="rounded-md border border-slate-300 px-2 py-1"
          />
        </label>
        <label className="flex flex-col">
          Until
          <input
            type="datetime-local"
            value={until}
            onChange={(e) => setUntil(e.target.value)}
            className="rounded-md border border-slate-300 px-2 py-1"
          />
        </label>
        <a
          href={`/w/${workspace.slug}/settings/audit/export${exportQuery ? `?${exportQuery}` : ""}`}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
        >
          Export JSON Lines
        </a>
      </form>
      <ErrorNote error={events.error} />
      {events.isPending ? (
        <p role="status" className="text-sm text-slate-500">
          Loading events…
        </p>
      ) : null}
      {!events.isPending && rows.length === 0 ? <p className="text-sm text-slate-500">No events match.</p> : null}
      {rows.length ? (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase text-slate-500">
              <tr>
                <th className="px-3 py-2">When</th>
                <th className="px-3 py-2">Actor</th>
                <th className="px-3 py-2">Action</th>
                <th className="px-3 py-2">Details</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((e) => (
                <tr key={e.id} data-testid="audit-row">
                  <td className="whitespace-nowrap px-3 py-2">{new Date(e.createdAt).toLocaleString()}</td>
                  <td className="px-3 py-2">{e.actorLabel ?? e.actorType}</td>
                  <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                  <td className="px-3 py-2 font-mono text-xs text-slate-600">{JSON.stringify(e.data)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {events.hasNextPage ? (
        <button type="button" onClick={() => void events.fetchNextPage()} className="text-sm font-medium text-brand-700">
          Load more
        </button>
      ) : null}
    </div>
  );
}
