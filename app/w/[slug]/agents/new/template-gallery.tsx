"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { ErrorNote } from "../../../../_components/error-note";
import { PageHeader } from "../../../../_components/page-header";
import { useTRPC } from "../../../../_components/trpc";
import { useWorkspace } from "../../../../_components/workspace-context";
import { useRememberPush } from "../last-push";
import { TemplateCard } from "./template-card";

export function TemplateGallery() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const remember = useRememberPush(workspace.slug);
  const templates = useQuery(trpc.agents.templates.queryOptions({ workspace: workspace.slug }));
  const create = useMutation(
    trpc.agents.createFromTemplate.mutationOptions({
      onSuccess: async (result) => {
        remember(result);
        await queryClient.invalidateQueries({ queryKey: trpc.agents.pathKey() });
        router.push(`/w/${workspace.slug}/agents/${result.agent.name}`);
      },
    }),
  );
  const base = `/w/${workspace.slug}/agents`;
  const canCreate = workspace.can("agents.write");

  return (
    <>
      <Link href={base} className="text-sm text-slate-600 hover:text-slate-900">
        ← Agents
      </Link>
      <PageHeader title="New agent" description="Start from a template and fill in its blanks, or begin with a blank document." />
      {!canCreate ? (
        <p className="mb-4 rounded-md bg-slate-50 p-3 text-sm text-slate-600">
          Your role ({workspace.role}) cannot create agents; you can still read the templates.
        </p>
      ) : null}
      {templates.isPending ? (
        <p role="status" className="text-sm text-slate-500">
          Loading templates…
        </p>
      ) : null}
      <ErrorNote error={templates.error} />
      <div className="grid items-start gap-4 md:grid-cols-2 2xl:grid-cols-3">
        {canCreate ? (
          <article aria-labelledby="template-blank" className="flex flex-col rounded-lg border border-dashed border-slate-300 bg-white p-5">
            <h2 id="template-blank" className="font-semibold">
              Blank agent
            </h2>
            <p className="mt-1 flex-1 text-sm text-slate-600">
              A minimal LLM agent to write from scratch in the editor, checked as you type.
            </p>
            <Link
              href={`${base}/new/blank`}
              className="mt-4 self-start rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"
            >
              Open the editor
            </Link>
          </article>
        ) : null}
        {templates.data?.map((template) => (
          <TemplateCard
            key={template.id}
            template={template}
            canCreate={canCreate}
            pending={create.isPending && create.variables?.template === template.id}
            error={create.variables?.template === template.id ? create.error : null}
            onCreate={(params) => create.mutate({ workspace: workspace.slug, template: template.id, params })}
          />
        ))}
      </div>
    </>
  );
}
