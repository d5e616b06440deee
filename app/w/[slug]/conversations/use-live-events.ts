"use client";

import { useEffect, useRef } from "react";
import type { MessageView } from "@/server/messaging/messages";

export interface LiveMessageEvent {
  type: "message";
  message: MessageView;
}

/**
 * Follows the workspace's live events (`GET /api/events`, with the session). `onOpen` runs
 * on every (re)connection, so a caller can refetch what it may have missed while away.
 */
export function useLiveEvents(slug: string, onEvent: (event: LiveMessageEvent) => void, onOpen?: () => void): void {
  const handlers = useRef({ onEvent, onOpen });
  useEffect(() => {
    handlers.current = { onEvent, onOpen };
  });
  useEffect(() => {
    const source = new EventSource(`/api/events?workspace=${encodeURIComponent(slug)}`);
    source.onopen = () => handlers.current.onOpen?.();
    source.onmessage = (message: MessageEvent<string>) => {
      try {
        const event = JSON.parse(message.data) as LiveMessageEvent;
        if (event.type === "message") handlers.current.onEvent(event);
      } catch {
        // A malformed event is skipped; the next refetch catches up.
      }
    };
    return () => source.close();
  }, [slug]);
}
