"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { ConfirmButton } from "../../../../_components/confirm-button";
import { ErrorNote } from "../../../../_components/error-note";
import { LazyTomlEditor } from "../../../../_components/lazy-toml-editor";
import { PageHeader } from "../../../../_components/page-header";
import { relativeTime } from "../../../../_components/relative-time";
import { useTRPC } from "../../../../_components/trpc";
import { useWorkspace } from "../../../../_components/workspace-context";
import { CapabilityChips } from "../capability-chips";
import { KindBadge } from "../kind-badge";
import { useLastPush } from "../last-push";
import { PushOutcome } from "../push-outcome";
import { BreakerBadge, RecentFailures } from "./agent-health";
import { AgentVersions } from "./agent-versions";

export function AgentDetail({ name }: { name: string }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const agent = useQuery(trpc.agents.get.queryOptions({ workspace: workspace.slug, name }));
  const lastPush = useLastPush(workspace.slug, name);
  const remove = useMutation(
    trpc.agents.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.agents.pathKey() });
        router.push(`/w/${workspace.slug}/agents`);
      },
    }),
  );
  const base = `/w/${workspace.slug}/agents`;

  if (agent.isPending)
    return (
      <p role="status" className="text-sm text-slate-500">
        Loading agent…
      </p>
    );
  if (agent.isError) {
    return (
      <>
        <PageHeader title={name} />
        <ErrorNote error={agent.error} />
        <Link href={base} className="mt-4 inline-block text-sm font-medium text-brand-700">
          ← All agents
        </Link>
      </>
    );
  }
  const a = agent.data;
  return (
    <>
      <Link href={base} className="text-sm text-slate-600 hover:text-slate-900">
        ← Agents
      </Link>
      <PageHeader title={a.name} description={a.description}>
        {workspace.can("agents.write") ? (
          <Link
            href={`${base}/${a.name}/edit`}
            className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
          >
            Edit
          </Link>
        ) : null}
      </PageHeader>
      <dl className="-mt-2 mb-6 flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
        <div className="flex items-center gap-2">
          <dt className="text-slate-500">Kind</dt>
          <dd>
            <KindBadge kind={a.kind} />
          </dd>
        </div>
        <div className="flex items-center gap-2">
          <dt className="text-slate-500">Active version</dt>
          <dd data-testid="active-version" className="font-mono">
            {a.activeVersion ? `v${a.activeVersion.number} · ${a.activeVersion.semver}` : "none"}
          </dd>
        </div>
        <div className="flex items-center gap-2">
          <dt className="text-slate-500">Capabilities</dt>
          <dd>
            <CapabilityChips capabilities={a.capabilities} />
          </dd>
        </div>
        <div className="flex items-center gap-2">
          <dt className="text-slate-500">Circuit breaker</dt>
          <dd>
            <BreakerBadge state={a.breaker} />
          </dd>
        </div>
        <div className="flex items-center gap-2">
          <dt className="text-slate-500">Last activity</dt>
          <dd title={new Date(a.lastActivityAt).toLocaleString()}>{relativeTime(a.lastActivityAt)}</dd>
        </div>
      </dl>
      {lastPush.result ? <PushOutcome result={lastPush.result} onDismiss={lastPush.dismiss} /> : null}
      <div className="grid min-w-0 gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section aria-labelledby="active-config" className="min-w-0">
          <h2 id="active-config" className="mb-2 font-semibold">
            Active document
          </h2>
          <LazyTomlEditor value={a.source} label={`${a.name} active document`} readOnly maxHeight="36rem" />
        </section>
        <AgentVersions name={a.name} activeNumber={a.activeVersion?.number ?? null} />
      </div>
      <RecentFailures failures={a.recentFailures} base={`/w/${workspace.slug}`} />
      {workspace.can("agents.write") ? (
        <section className="mt-10 max-w-2xl rounded-lg border border-red-200 bg-white p-5">
          <h2 className="font-semibold text-red-800">Delete agent</h2>
          <p className="mt-1 text-sm text-slate-600">
            Removes {a.name} and frees its name. Its {a.versionCount} version{a.versionCount === 1 ? "" : "s"} stay in the audit history.
          </p>
          <div className="mt-3">
            <ConfirmButton
              label="Delete agent"
              confirmLabel="Delete agent"
              typeToConfirm={a.name}
              pending={remove.isPending}
              onConfirm={() => remove.mutate({ workspace: workspace.slug, name: a.name, confirm: a.name })}
            />
          </div>
          <ErrorNote error={remove.error} />
        </section>
      ) : null}
    </>
  );
}
