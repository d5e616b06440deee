"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import type { MessageView } from "@/server/messaging/messages";
import { ErrorNote } from "../../../../_components/error-note";
import { PageHeader } from "../../../../_components/page-header";
import { useTRPC } from "../../../../_components/trpc";
import { useWorkspace } from "../../../../_components/workspace-context";
import { LiveDrafts } from "../live-drafts";
import { MessageContent } from "../message-content";
import { PerformativeBadge, StatusBadge } from "../performative-badge";
import { SendBox } from "../send-box";
import { useLiveEvents } from "../use-live-events";
import { TimelineNode } from "./delegation-thread";
import { threadTimeline } from "./thread-tree";
import { TraceSteps } from "./trace-steps";

interface Routing {
  strategy?: string;
  candidates?: string[];
  chosen?: string[];
  reason?: string;
  breakers?: Record<string, string>;
  decisionMs?: number;
}

// As tRPC's client sees it (unknown fields come out optional).
type TimelineMessage = Omit<MessageView, "content" | "routing" | "trace"> & { content?: unknown; routing?: unknown; trace?: unknown };

const byTime = (a: TimelineMessage, b: TimelineMessage) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

/** A conversation as a timeline, patched live from the workspace's events. */
export function ConversationView({ id }: { id: string }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const options = trpc.messages.conversation.queryOptions({ workspace: workspace.slug, id });
  const conversation = useQuery(options);

  useLiveEvents(workspace.slug, {
    message: ({ message }) => {
      if (message.conversationId !== id) return;
      // A fetch already under way read the rows before this change and would overwrite the
      // patch below when it lands: start it again (the event is published after its row is
      // written, so the new read has it).
      if (queryClient.isFetching({ queryKey: options.queryKey }) > 0) void queryClient.invalidateQueries({ queryKey: options.queryKey });
      queryClient.setQueryData(options.queryKey, (old) => {
        // Not loaded yet: the fetch under way brings it.
        if (!old) return old;
        const messages = old.messages.filter((m) => m.id !== message.id);
        return { ...old, messages: [...messages, message].sort(byTime) };
      });
    },
    // On (re)connection, catch up with whatever happened before the stream was open.
    open: () => void queryClient.invalidateQueries({ queryKey: options.queryKey }),
  });

  const base = `/w/${workspace.slug}/conversations`;
  const back = (
    <Link href={base} className="text-sm text-slate-600 hover:text-slate-900">
      ← Conversations
    </Link>
  );
  if (conversation.isPending)
    return (
      <p role="status" className="text-sm text-slate-500">
        Loading conversation…
      </p>
    );
  if (conversation.isError) {
    return (
      <>
        {back}
        <PageHeader title="Conversation" />
        <ErrorNote error={conversation.error} />
      </>
    );
  }
  const c = conversation.data;
  return (
    <>
      {back}
      <div className="mt-2">
        <PageHeader
          title={c.subject}
          description={`Started ${new Date(c.createdAt).toLocaleString()} · ${c.messages.length} message${c.messages.length === 1 ? "" : "s"} · updates live`}
        />
      </div>
      {c.messages.length === 0 ? <p className="text-sm text-slate-500">No messages in this conversation.</p> : null}
      {c.hasEarlier ? (
        <p className="mb-2 text-sm text-slate-500">
          Showing the newest {c.messages.length} of {c.messageCount} messages.
        </p>
      ) : null}
      <ol className="relative space-y-3 border-l-2 border-slate-200 pl-4" aria-label="Timeline">
        {threadTimeline(c.messages).map((node) => (
          <TimelineNode
            key={node.message.id}
            node={node}
            renderItem={(m, nested) => <TimelineItem key={m.id} message={m} nested={nested} />}
          />
        ))}
      </ol>
      <LiveDrafts
        slug={workspace.slug}
        conversationId={c.id}
        answered={c.messages.flatMap((m) => (m.inReplyTo ? [`${m.inReplyTo}:${m.sender.label}`] : []))}
      />
      <div className="mt-6">
        <SendBox conversationId={c.id} capability={c.subject} />
      </div>
    </>
  );
}

function TimelineItem({ message: m, nested }: { message: TimelineMessage; nested?: ReactNode }) {
  const routing = (m.routing ?? null) as Routing | null;
  return (
    <li
      data-testid="timeline-message"
      data-performative={m.performative}
      data-sender={m.sender.label}
      className="min-w-0 rounded-lg border border-slate-200 bg-white p-3"
    >
      <div className="flex flex-wrap items-center gap-2">
        <PerformativeBadge performative={m.performative} />
        <span className="text-sm font-medium break-all">{m.sender.label}</span>
        <span className="text-xs text-slate-500">({m.sender.type})</span>
        <span className="font-mono text-xs text-slate-600 break-all">→ {m.capability}</span>
        <span className="ml-auto">
          <StatusBadge status={m.status} />
        </span>
      </div>
      <div className="mt-2 min-w-0">
        <MessageContent content={m.content} />
      </div>
      {m.error && m.performative === "REQUEST" ? <p className="mt-1 text-xs text-red-700">{m.error}</p> : null}
      {routing ? <RoutingNote routing={routing} /> : null}
      {m.trace ? <TraceSteps trace={m.trace} /> : null}
      <Timings message={m} />
      {nested}
    </li>
  );
}

function RoutingNote({ routing }: { routing: Routing }) {
  const breakers = Object.entries(routing.breakers ?? {});
  return (
    <dl data-testid="routing" className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5 rounded bg-slate-50 p-2 text-xs">
      <dt className="text-slate-500">Strategy</dt>
      <dd className="font-mono">{routing.strategy ?? "—"}</dd>
      <dt className="text-slate-500">Candidates</dt>
      <dd className="break-words font-mono">{routing.candidates?.length ? routing.candidates.join(", ") : "none"}</dd>
      <dt className="text-slate-500">Chosen</dt>
      <dd className="break-words font-mono">{routing.chosen?.length ? routing.chosen.join(", ") : "none"}</dd>
      {routing.reason ? (
        <>
          <dt className="text-slate-500">Why</dt>
          <dd className="break-words">{routing.reason}</dd>
        </>
      ) : null}
      {breakers.length ? (
        <>
          <dt className="text-slate-500">Breakers</dt>
          <dd className="break-words font-mono">{breakers.map(([agent, state]) => `${agent}: ${state}`).join(", ")}</dd>
        </>
      ) : null}
      {routing.decisionMs !== undefined ? (
        <>
          <dt className="text-slate-500">Decided in</dt>
          <dd className="font-mono">{routing.decisionMs} ms</dd>
        </>
      ) : null}
    </dl>
  );
}

const ms = (from: string, to: string) => `${Math.max(0, new Date(to).getTime() - new Date(from).getTime())} ms`;

function Timings({ message: m }: { message: TimelineMessage }) {
  return (
    <p className="mt-2 flex flex-wrap gap-x-3 text-xs text-slate-500">
      <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleTimeString()}</time>
      {m.startedAt ? <span>waited {ms(m.createdAt, m.startedAt)}</span> : null}
      {m.startedAt && m.completedAt ? <span>ran {ms(m.startedAt, m.completedAt)}</span> : null}
    </p>
  );
}
