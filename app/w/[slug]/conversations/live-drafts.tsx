"use client";

import { useState } from "react";
import type { DraftEvent } from "@/server/messaging/events";
import { useLiveEvents } from "./use-live-events";

/** A draft is one agent's reply to one request: a broadcast request has one per agent. */
const draftKey = (requestId: string, agent: string) => `${requestId}:${agent}`;

/**
 * The replies LLM agents are writing in this conversation, shown live from the workspace's
 * draft events (server/messaging/draft-events.ts). A draft goes away when its stored reply
 * (or the request's end) arrives; `answered` lists the `requestId:agent` pairs the timeline
 * already holds, so a draft whose reply came in while the stream was away goes too.
 */
export function LiveDrafts({ slug, conversationId, answered }: { slug: string; conversationId: string; answered: string[] }) {
  const [drafts, setDrafts] = useState<Map<string, DraftEvent>>(() => new Map());
  const [following, setFollowing] = useState(false);

  useLiveEvents(slug, {
    open: () => setFollowing(true),
    error: () => setFollowing(false),
    draft: (draft) => {
      if (draft.conversationId !== conversationId) return;
      setDrafts((old) => {
        const key = draftKey(draft.requestId, draft.agent);
        // Events can overtake each other across reconnections: never go back to older text.
        if ((old.get(key)?.seq ?? 0) >= draft.seq) return old;
        return new Map(old).set(key, draft);
      });
    },
    message: ({ message: m }) => {
      if (m.conversationId !== conversationId) return;
      setDrafts((old) => {
        const ended = [...old.keys()].filter((key) =>
          m.inReplyTo
            ? key === draftKey(m.inReplyTo, m.sender.label)
            : key.startsWith(`${m.id}:`) && (m.status === "answered" || m.status === "failed"),
        );
        if (!ended.length) return old;
        const left = new Map(old);
        for (const key of ended) left.delete(key);
        return left;
      });
    },
  });

  const shown = [...drafts.entries()].filter(([key]) => !answered.includes(key));
  // Drafts sent before the stream opened are not replayed: `data-following` says from when they show.
  if (!shown.length) return <div hidden data-testid="live-drafts" data-following={following} />;
  return (
    <ol
      data-testid="live-drafts"
      data-following={following}
      className="mt-3 space-y-3 border-l-2 border-dashed border-sky-300 pl-4"
      aria-label="Replies being written"
    >
      {shown.map(([key, draft]) => (
        <li
          key={key}
          data-testid="live-draft"
          data-agent={draft.agent}
          className="min-w-0 rounded-lg border border-dashed border-sky-300 bg-sky-50/50 p-3"
        >
          <div className="flex flex-wrap items-center gap-2">
            <span className="rounded bg-sky-100 px-1.5 py-0.5 text-xs font-medium text-sky-800">writing…</span>
            <span className="text-sm font-medium break-all">{draft.agent}</span>
            {draft.step > 1 ? <span className="text-xs text-slate-500">step {draft.step}</span> : null}
          </div>
          <p aria-live="polite" className="mt-2 text-sm whitespace-pre-wrap break-words text-slate-800">
            {draft.text}
            <span aria-hidden className="ml-0.5 inline-block animate-pulse">
              ▍
            </span>
          </p>
        </li>
      ))}
    </ol>
  );
}
