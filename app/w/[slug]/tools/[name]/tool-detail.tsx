"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { ConfirmButton } from "../../../../_components/confirm-button";
import { ErrorNote } from "../../../../_components/error-note";
import { LazyTomlEditor } from "../../../../_components/lazy-toml-editor";
import { PageHeader } from "../../../../_components/page-header";
import { useTRPC } from "../../../../_components/trpc";
import { useWorkspace } from "../../../../_components/workspace-context";
import { ToolBadges, ToolKindBadge } from "../tool-badges";
import { RunOutcome } from "./outcome";
import { RunForm } from "./run-form";
import { ToolInvocations } from "./tool-invocations";
import { ToolVersions } from "./tool-versions";

interface Permissions {
  timeoutMs?: number;
  maxMemoryPages?: number;
  allowedHosts?: string[];
}

export function ToolDetail({ name }: { name: string }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const tool = useQuery(trpc.tools.get.queryOptions({ workspace: workspace.slug, name }));
  const run = useMutation(
    trpc.tools.run.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.tools.invocations.pathKey() }) }),
  );
  const remove = useMutation(
    trpc.tools.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.tools.pathKey() });
        router.push(`/w/${workspace.slug}/tools`);
      },
    }),
  );
  const base = `/w/${workspace.slug}/tools`;

  if (tool.isPending)
    return (
      <p role="status" className="text-sm text-slate-500">
        Loading tool…
      </p>
    );
  if (tool.isError) {
    return (
      <>
        <PageHeader title={name} />
        <ErrorNote error={tool.error} />
        <Link href={base} className="mt-4 inline-block text-sm font-medium text-brand-700">
          ← All tools
        </Link>
      </>
    );
  }
  const t = tool.data;
  const permissions = (t.manifest.permissions ?? {}) as Permissions;
  const isJson = t.manifestSource.trimStart().startsWith("{");

  return (
    <>
      <Link href={base} className="text-sm text-slate-600 hover:text-slate-900">
        ← Tools
      </Link>
      <PageHeader title={t.name} description={t.description} />
      <dl className="-mt-2 mb-6 flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
        <div className="flex items-center gap-2">
          <dt className="text-slate-500">Kind</dt>
          <dd>
            <ToolKindBadge kind={t.kind} />
          </dd>
        </div>
        <div className="flex items-center gap-2">
          <dt className="text-slate-500">Active version</dt>
          <dd data-testid="active-version" className="font-mono">
            {t.activeVersion ? `v${t.activeVersion.number} · ${t.activeVersion.semver}` : "none"}
          </dd>
        </div>
        <div className="flex items-center gap-2">
          <dt className="sr-only">Hints</dt>
          <dd>
            <ToolBadges sample={t.sample} hints={t.hints} quarantine={t.quarantine} />
          </dd>
        </div>
      </dl>
      {t.quarantine ? (
        <p role="alert" data-testid="quarantine-note" className="mb-6 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-900">
          <strong>Quarantined</strong> since {new Date(t.quarantine.since).toLocaleString()}: {t.quarantine.reason}. Runs of this version
          are refused; upload a new version to lift the quarantine.
        </p>
      ) : null}

      <div className="grid min-w-0 gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="min-w-0 space-y-4">
          {workspace.can("tools.run") ? (
            <RunForm
              key={t.activeVersion?.number ?? 0}
              inputSchema={t.manifest.inputSchema}
              pending={run.isPending}
              onRun={(input) => run.mutate({ workspace: workspace.slug, name: t.name, input })}
            />
          ) : (
            <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600">
              Your role ({workspace.role}) cannot run tools.
            </p>
          )}
          <ErrorNote error={run.error} />
          {run.data && !run.isPending ? <RunOutcome invocation={run.data} /> : null}
        </div>
        <div className="min-w-0 space-y-6">
          <section aria-labelledby="permissions">
            <h2 id="permissions" className="mb-2 font-semibold">
              Permissions
            </h2>
            <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 rounded-lg border border-slate-200 bg-white p-3 text-sm">
              <dt className="text-slate-500">Timeout</dt>
              <dd data-testid="permission-timeout" className="font-mono">
                {permissions.timeoutMs ?? "—"} ms
              </dd>
              <dt className="text-slate-500">Memory</dt>
              <dd className="font-mono">
                {permissions.maxMemoryPages ?? "—"} pages
                {permissions.maxMemoryPages ? ` (${(permissions.maxMemoryPages * 64) / 1024} MiB)` : ""}
              </dd>
              <dt className="text-slate-500">Allowed hosts</dt>
              <dd className="break-words font-mono">
                {permissions.allowedHosts?.length ? (
                  permissions.allowedHosts.join(", ")
                ) : (
                  <span className="font-sans text-slate-500">none</span>
                )}
              </dd>
            </dl>
          </section>
          <ToolVersions name={t.name} />
        </div>
      </div>

      <div className="mt-8">
        <ToolInvocations name={t.name} />
      </div>

      <section aria-labelledby="manifest" className="mt-8 min-w-0">
        <h2 id="manifest" className="mb-2 font-semibold">
          Manifest
        </h2>
        {isJson ? (
          <pre
            aria-label={`${t.name} manifest`}
            className="max-h-[36rem] overflow-auto rounded-md border border-slate-300 bg-white p-3 font-mono text-xs"
          >
            {t.manifestSource}
          </pre>
        ) : (
          <LazyTomlEditor value={t.manifestSource} label={`${t.name} manifest`} readOnly maxHeight="36rem" />
        )}
      </section>

      {workspace.can("tools.write") ? (
        <section className="mt-10 max-w-2xl rounded-lg border border-red-200 bg-white p-5">
          <h2 className="font-semibold text-red-800">Delete tool</h2>
          <p className="mt-1 text-sm text-slate-600">
            Removes {t.name} and frees its name. Its {t.versionCount} version{t.versionCount === 1 ? "" : "s"} and past invocations stay
            recorded.
          </p>
          <div className="mt-3">
            <ConfirmButton
              label="Delete tool"
              confirmLabel="Delete tool"
              typeToConfirm={t.name}
              pending={remove.isPending}
              onConfirm={() => remove.mutate({ workspace: workspace.slug, name: t.name, confirm: t.name })}
            />
          </div>
          <ErrorNote error={remove.error} />
        </section>
      ) : null}
    </>
  );
}
