"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ErrorNote } from "../../../_components/error-note";
import { useTRPC } from "../../../_components/trpc";
import { useWorkspace } from "../../../_components/workspace-context";

const control = "mt-1 block w-full min-w-0 rounded-md border border-slate-300 px-3 py-1.5 text-sm font-normal";

/**
 * Sends a REQUEST to a capability (text, or a JSON object). A new conversation opens once
 * sent; inside a conversation the message continues it, and the timeline shows it live.
 */
export function SendBox({ conversationId, capability: initialCapability = "" }: { conversationId?: string; capability?: string }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const [capability, setCapability] = useState(initialCapability);
  const [text, setText] = useState("");
  const send = useMutation(
    trpc.messages.send.mutationOptions({
      onSuccess: (sent) => {
        if (conversationId) setText("");
        else router.push(`/w/${workspace.slug}/conversations/${sent.message.conversationId}`);
      },
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = text.trim();
    // A JSON object goes to tool agents as their input; anything else is text.
    let content: string | Record<string, unknown> = trimmed;
    if (trimmed.startsWith("{")) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) content = parsed as Record<string, unknown>;
      } catch {
        // Not JSON after all: send it as text.
      }
    }
    send.mutate({ workspace: workspace.slug, capability: capability.trim(), content, conversationId, wait: 0 });
  };

  if (!workspace.can("messages.send")) return null;
  return (
    <form
      onSubmit={submit}
      aria-label={conversationId ? "Continue the conversation" : "Send a message"}
      className="mb-6 rounded-lg border border-slate-200 bg-white p-4"
    >
      <div className="grid gap-3 sm:grid-cols-[minmax(0,14rem)_minmax(0,1fr)]">
        <label className="block text-sm font-medium">
          Capability
          <input
            value={capability}
            onChange={(e) => setCapability(e.target.value)}
            required
            placeholder="summarize or summarize:v2"
            className={`${control} font-mono`}
          />
        </label>
        <label className="block text-sm font-medium">
          Message
          <textarea
            value={text}
            onChange={(e) => setText(e.target.value)}
            required
            rows={2}
            placeholder='Text, or a JSON object such as {"text": "…"}'
            className={control}
          />
        </label>
      </div>
      <div className="mt-3 flex items-center gap-3">
        <button
          type="submit"
          disabled={send.isPending}
          className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50"
        >
          {send.isPending ? "Sending…" : "Send"}
        </button>
        <span className="text-xs text-slate-500">Routed by capability to whichever agent offers it.</span>
      </div>
      <ErrorNote error={send.error} />
    </form>
  );
}
