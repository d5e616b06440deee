"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ErrorNote } from "../../../../../_components/error-note";
import { PageHeader } from "../../../../../_components/page-header";
import { useTRPC } from "../../../../../_components/trpc";
import { useWorkspace } from "../../../../../_components/workspace-context";
import { AgentEditor } from "../../agent-editor";

export function AgentEditPage({ name }: { name: string }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  // The document as it was when editing began: a refetch must not reset what is being typed.
  const agent = useQuery({
    ...trpc.agents.get.queryOptions({ workspace: workspace.slug, name }),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  return (
    <>
      <Link href={`/w/${workspace.slug}/agents/${name}`} className="text-sm text-slate-600 hover:text-slate-900">
        ← {name}
      </Link>
      <PageHeader
        title={`Edit ${name}`}
        description={
          agent.data?.activeVersion
            ? `Starting from the active version, v${agent.data.activeVersion.number} · ${agent.data.activeVersion.semver}. Saving makes a new version.`
            : undefined
        }
      />
      {agent.isPending ? (
        <p role="status" className="text-sm text-slate-500">
          Loading agent…
        </p>
      ) : null}
      <ErrorNote error={agent.error} />
      {agent.data ? <AgentEditor initialSource={agent.data.source} name={name} /> : null}
    </>
  );
}
