"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorNote } from "../../../_components/error-note";
import { LazyTomlEditor } from "../../../_components/lazy-toml-editor";
import type { CursorRequest, EditorProblem } from "../../../_components/toml-editor";
import { useTRPC } from "../../../_components/trpc";
import { useDebounced } from "../../../_components/use-debounced";
import { useWorkspace } from "../../../_components/workspace-context";
import { useRememberPush } from "./last-push";
import { ProblemsPanel } from "./problems-panel";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * Edits an agent document with live validation (the server's own validator, 200 ms after
 * the last keystroke) and saves it as the agent's next version.
 */
export function AgentEditor({ initialSource, name }: { initialSource: string; name?: string }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const remember = useRememberPush(workspace.slug);
  const [source, setSource] = useState(initialSource);
  const [cursor, setCursor] = useState<CursorRequest | null>(null);
  const checked = useDebounced(source, 200);
  const validation = useQuery({
    ...trpc.agents.validate.queryOptions({ workspace: workspace.slug, source: checked }),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
  const push = useMutation(
    trpc.agents.push.mutationOptions({
      onSuccess: async (result) => {
        remember(result);
        await queryClient.invalidateQueries({ queryKey: trpc.agents.pathKey() });
        router.push(`/w/${workspace.slug}/agents/${result.agent.name}`);
      },
    }),
  );
  // A refused save names its problems too; they stand until the document changes.
  const refused = (push.error?.data as { problems?: EditorProblem[] } | undefined)?.problems;
  const current = checked === source && !validation.isPlaceholderData;
  const problems: readonly EditorProblem[] = (refused && push.variables?.source === source ? refused : validation.data?.problems) ?? [];
  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;
  const documentName = typeof validation.data?.config?.name === "string" ? validation.data.config.name : null;
  const blocked = !current
    ? "Checking the document…"
    : validation.isError
      ? "The document could not be checked."
      : errors
        ? `Fix ${plural(errors, "error")} to save.`
        : null;
  const back = name ? `/w/${workspace.slug}/agents/${name}` : `/w/${workspace.slug}/agents`;

  return (
    <div className="min-w-0">
      <LazyTomlEditor value={initialSource} label="Agent document" onChange={setSource} problems={problems} cursor={cursor} />
      <ProblemsPanel problems={problems} onSelect={(p) => setCursor({ line: p.line, column: p.column, seq: (cursor?.seq ?? 0) + 1 })} />
      <ErrorNote error={validation.error} />
      {name && documentName && documentName !== name ? (
        <p role="note" className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          This document is named <code className="font-mono">{documentName}</code>: saving creates or updates {documentName}, not {name}.
        </p>
      ) : null}
      <div className="mt-4 flex flex-wrap items-center gap-3">
        {workspace.can("agents.write") ? (
          <button
            type="button"
            disabled={blocked !== null || push.isPending}
            aria-describedby="save-state"
            onClick={() => push.mutate({ workspace: workspace.slug, source })}
            className="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50"
          >
            {push.isPending ? "Saving…" : "Save"}
          </button>
        ) : (
          <p className="text-sm text-slate-600">Your role ({workspace.role}) cannot save agents.</p>
        )}
        <Link href={back} className="text-sm text-slate-600 hover:text-slate-900">
          Cancel
        </Link>
        <p
          id="save-state"
          data-testid="save-state"
          role="status"
          className={`text-sm ${blocked && current ? "text-red-700" : "text-slate-600"}`}
        >
          {blocked ?? `Valid${warnings ? ` with ${plural(warnings, "warning")}` : ""}: ready to save.`}
        </p>
      </div>
      <ErrorNote error={push.error && !refused ? push.error : null} />
      {refused ? (
        <p role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {push.error?.message}
        </p>
      ) : null}
    </div>
  );
}
