"use client";

import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { ErrorNote } from "../../../_components/error-note";
import { EmptyState, PageHeader } from "../../../_components/page-header";
import { relativeTime } from "../../../_components/relative-time";
import { sections } from "../../../_components/sections";
import { useTRPC } from "../../../_components/trpc";
import { useDebounced } from "../../../_components/use-debounced";
import { useWorkspace } from "../../../_components/workspace-context";
import { PerformativeBadge, StatusBadge } from "./performative-badge";
import { SendBox } from "./send-box";
import { useLiveEvents } from "./use-live-events";
import { preview } from "./message-content";
import { LoadMore } from "../../../_components/load-more";

const statuses = ["queued", "running", "answered", "failed"] as const;
type Status = (typeof statuses)[number];
const control = "mt-1 block w-full min-w-0 rounded-md border border-slate-300 px-2 py-1 text-sm font-normal";

export function ConversationList() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [capability, setCapability] = useState("");
  const [agent, setAgent] = useState("");
  const [status, setStatus] = useState<Status | "">("");
  // Debounced one by one: a fresh object each render would never settle.
  const settledCapability = useDebounced(capability.trim(), 300);
  const settledAgent = useDebounced(agent.trim(), 300);
  const filter = { capability: settledCapability || undefined, agent: settledAgent || undefined, status: status || undefined };
  const conversations = useInfiniteQuery(
    trpc.messages.conversations.infiniteQueryOptions(
      { workspace: workspace.slug, limit: 30, ...filter },
      { getNextPageParam: (p) => p.nextCursor ?? undefined },
    ),
  );
  // A busy workspace sends many events a second: refetch the list at most once a second.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = () => {
    pending.current ??= setTimeout(() => {
      pending.current = null;
      void queryClient.invalidateQueries({ queryKey: trpc.messages.conversations.pathKey() });
    }, 1_000);
  };
  useEffect(() => () => clearTimeout(pending.current ?? undefined), []);
  useLiveEvents(workspace.slug, { message: refresh, open: refresh });
  const rows = conversations.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(filter.capability || filter.agent || filter.status);
  const base = `/w/${workspace.slug}/conversations`;

  return (
    <>
      <PageHeader title={sections.conversations.label} description={sections.conversations.description} />
      <SendBox />
      <div className="mb-3 grid grid-cols-1 gap-2 sm:grid-cols-3" role="search" aria-label="Filter conversations">
        <label className="text-xs font-medium text-slate-600">
          Capability
          <input value={capability} onChange={(e) => setCapability(e.target.value)} placeholder="any" className={control} />
        </label>
        <label className="text-xs font-medium text-slate-600">
          Agent
          <input value={agent} onChange={(e) => setAgent(e.target.value)} placeholder="any" className={control} />
        </label>
        <label className="text-xs font-medium text-slate-600">
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as Status | "")} className={control}>
            <option value="">any</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {conversations.isPending ? (
        <p role="status" className="text-sm text-slate-500">
          Loading conversations…
        </p>
      ) : null}
      <ErrorNote error={conversations.error} />
      {conversations.isSuccess && rows.length === 0 ? (
        filtered ? (
          <EmptyState title="No conversations match">Try another capability, agent or status, or clear the filters.</EmptyState>
        ) : (
          <EmptyState title={sections.conversations.emptyTitle}>{sections.conversations.emptyBody}</EmptyState>
        )
      ) : null}
      {rows.length ? (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {rows.map((c) => (
            <li key={c.id} data-testid="conversation-row">
              <Link href={`${base}/${c.id}`} className="block px-3 py-2 hover:bg-slate-50">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="break-all font-mono text-sm font-medium text-brand-700">{c.subject}</span>
                  {c.last ? <PerformativeBadge performative={c.last.performative} /> : null}
                  {c.last ? <StatusBadge status={c.last.status} /> : null}
                  <span className="ml-auto text-xs text-slate-500">
                    {c.messageCount} message{c.messageCount === 1 ? "" : "s"} · {relativeTime(c.last?.createdAt ?? c.createdAt)}
                  </span>
                </div>
                {c.last ? (
                  <p className="mt-0.5 truncate text-xs text-slate-600">
                    {c.last.sender.label}: {preview(c.last.content)}
                  </p>
                ) : null}
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      <LoadMore query={conversations} />
    </>
  );
}
