"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ErrorNote } from "../../../_components/error-note";
import { EmptyState, PageHeader } from "../../../_components/page-header";
import { sections } from "../../../_components/sections";
import { useTRPC } from "../../../_components/trpc";
import { useWorkspace } from "../../../_components/workspace-context";
import { ToolBadges, ToolKindBadge } from "./tool-badges";
import { UploadForm } from "./upload-form";
import { LoadMore } from "../../../_components/load-more";

export function ToolList() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const [uploading, setUploading] = useState(false);
  const tools = useInfiniteQuery(
    trpc.tools.list.infiniteQueryOptions({ workspace: workspace.slug, limit: 50 }, { getNextPageParam: (p) => p.nextCursor ?? undefined }),
  );
  const rows = tools.data?.pages.flatMap((p) => p.items) ?? [];
  const base = `/w/${workspace.slug}/tools`;
  const canWrite = workspace.can("tools.write");
  const uploadButton =
    canWrite && !uploading ? (
      <button
        type="button"
        onClick={() => setUploading(true)}
        className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
      >
        Upload tool
      </button>
    ) : null;

  return (
    <>
      <PageHeader title={sections.tools.label} description={sections.tools.description}>
        {rows.length ? uploadButton : null}
      </PageHeader>
      {uploading ? <UploadForm onClose={() => setUploading(false)} /> : null}
      {tools.isPending ? (
        <p role="status" className="text-sm text-slate-500">
          Loading tools…
        </p>
      ) : null}
      <ErrorNote error={tools.error} />
      {tools.isSuccess && rows.length === 0 ? (
        <EmptyState title={sections.tools.emptyTitle}>
          <p>{sections.tools.emptyBody}</p>
          {canWrite ? (
            <div className="mt-4 flex justify-center">{uploadButton}</div>
          ) : (
            <p className="mt-2">Your role ({workspace.role}) cannot upload tools.</p>
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
                <th className="px-3 py-2">Active version</th>
                <th className="px-3 py-2">Hints</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((t) => (
                <tr key={t.name} data-testid="tool-row">
                  <td className="px-3 py-2">
                    <Link href={`${base}/${t.name}`} className="font-medium text-brand-700 hover:underline">
                      {t.name}
                    </Link>
                    <p className="line-clamp-2 max-w-md text-xs text-slate-500">{t.description}</p>
                  </td>
                  <td className="px-3 py-2">
                    <ToolKindBadge kind={t.kind} />
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">
                    {t.activeVersion ? `v${t.activeVersion.number} · ${t.activeVersion.semver}` : "—"}
                  </td>
                  <td className="px-3 py-2">
                    <ToolBadges sample={t.sample} hints={t.hints} quarantine={t.quarantine} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <LoadMore query={tools} />
    </>
  );
}
