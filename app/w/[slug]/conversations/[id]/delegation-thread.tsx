"use client";

import type { ReactNode } from "react";
import type { DelegationThread as Thread, ThreadableMessage, ThreadNode } from "./thread-tree";

type Renderable = ThreadableMessage & { capability: string; depth: number; status: string };

/** Renders one message and, nested inside it, the threads of the requests it delegated. */
export type RenderItem<M extends Renderable> = (message: M, nested: ReactNode) => ReactNode;

export function TimelineNode<M extends Renderable>({ node, renderItem }: { node: ThreadNode<M>; renderItem: RenderItem<M> }) {
  const nested = node.delegations.length ? (
    <div className="mt-3 space-y-2">
      {node.delegations.map((thread) => (
        <DelegationThread key={thread.request.message.id} thread={thread} renderItem={renderItem} />
      ))}
    </div>
  ) : null;
  return <>{renderItem(node.message, nested)}</>;
}

/** A delegated request with its replies, indented and collapsible, labelled with its depth. */
export function DelegationThread<M extends Renderable>({ thread, renderItem }: { thread: Thread<M>; renderItem: RenderItem<M> }) {
  const request = thread.request.message;
  const count = 1 + thread.replies.length;
  return (
    <details
      open
      data-testid="delegation-thread"
      data-depth={request.depth}
      className="rounded-md border-l-4 border-brand-300 bg-slate-50/60 pl-2"
    >
      <summary className="flex cursor-pointer flex-wrap items-center gap-2 py-1 text-xs text-slate-600">
        <span className="font-medium text-slate-800">Delegated</span>
        <span className="font-mono break-all">→ {request.capability}</span>
        <span data-testid="delegation-depth" className="rounded bg-slate-200 px-1.5 py-0.5 font-mono">
          depth {request.depth}
        </span>
        <span>{request.status}</span>
        <span>
          {count} message{count === 1 ? "" : "s"}
        </span>
      </summary>
      <ol className="space-y-2 py-2 pr-1" aria-label={`Delegation to ${request.capability}`}>
        <TimelineNode node={thread.request} renderItem={renderItem} />
        {thread.replies.map((reply) => (
          <TimelineNode key={reply.message.id} node={reply} renderItem={renderItem} />
        ))}
      </ol>
    </details>
  );
}
