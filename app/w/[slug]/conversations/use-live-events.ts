"use client";

import { useEffect, useRef } from "react";
import type { DraftEvent, LiveEvent, MessageEvent as LiveMessageEvent } from "@/server/messaging/events";

export interface LiveListener {
  message?(event: LiveMessageEvent): void;
  draft?(event: DraftEvent): void;
  /** Runs on every (re)connection, so a caller can refetch what it may have missed while away. */
  open?(): void;
  error?(): void;
}

/**
 * One EventSource per workspace for the whole page, however many components follow it (a
 * browser allows only a few connections per host, and each holds a server subscriber).
 */
const streams = new Map<string, { source: EventSource; listeners: Set<LiveListener> }>();

function subscribe(slug: string, listener: LiveListener): () => void {
  let stream = streams.get(slug);
  if (!stream) {
    const source = new EventSource(`/api/events?workspace=${encodeURIComponent(slug)}`);
    const listeners = new Set<LiveListener>();
    source.onopen = () => listeners.forEach((l) => l.open?.());
    source.onerror = () => listeners.forEach((l) => l.error?.());
    source.onmessage = (message: MessageEvent<string>) => {
      let event: LiveEvent;
      try {
        event = JSON.parse(message.data) as LiveEvent;
      } catch {
        return; // A malformed event is skipped; the next refetch catches up.
      }
      for (const l of listeners) {
        if (event.type === "message") l.message?.(event);
        else if (event.type === "draft") l.draft?.(event);
      }
    };
    stream = { source, listeners };
    streams.set(slug, stream);
  }
  stream.listeners.add(listener);
  // Joining a stream that is already open: this listener missed its `open`.
  if (stream.source.readyState === EventSource.OPEN) listener.open?.();
  const joined = stream;
  return () => {
    joined.listeners.delete(listener);
    if (joined.listeners.size === 0) {
      joined.source.close();
      streams.delete(slug);
    }
  };
}

/** Follows the workspace's live events (`GET /api/events`, with the session). */
export function useLiveEvents(slug: string, listener: LiveListener): void {
  const current = useRef(listener);
  useEffect(() => {
    current.current = listener;
  });
  useEffect(
    () =>
      subscribe(slug, {
        message: (event) => current.current.message?.(event),
        draft: (event) => current.current.draft?.(event),
        open: () => current.current.open?.(),
        error: () => current.current.error?.(),
      }),
    [slug],
  );
}
