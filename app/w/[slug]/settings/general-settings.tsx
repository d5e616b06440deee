"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmButton } from "../../../_components/confirm-button";
import { ErrorNote } from "../../../_components/error-note";
import { useTRPC } from "../../../_components/trpc";
import { useWorkspace } from "../../../_components/workspace-context";

export function GeneralSettings() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState(workspace.name);
  const rename = useMutation(trpc.workspaces.rename.mutationOptions({ onSuccess: () => router.refresh() }));
  const remove = useMutation(trpc.workspaces.delete.mutationOptions({ onSuccess: () => router.push("/start") }));
  const leave = useMutation(trpc.members.remove.mutationOptions({ onSuccess: () => router.push("/start") }));

  return (
    <div className="max-w-2xl space-y-8">
      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="font-semibold">Name</h2>
        <p className="mt-1 text-sm text-slate-600">
          Address: <code className="font-mono">/w/{workspace.slug}</code>. Your role: {workspace.role}.
        </p>
        {workspace.can("workspace.rename") ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              rename.mutate({ workspace: workspace.slug, name });
            }}
            className="mt-3 flex flex-wrap gap-2"
          >
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-label="Workspace name"
              required
              maxLength={80}
              className="min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-1.5"
            />
            <button
              type="submit"
              disabled={rename.isPending || name === workspace.name}
              className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
            >
              Rename
            </button>
          </form>
        ) : (
          <p className="mt-3 text-sm">{workspace.name}</p>
        )}
        {rename.isSuccess ? (
          <p className="mt-2 text-sm text-emerald-700" role="status">
            Renamed.
          </p>
        ) : null}
        <ErrorNote error={rename.error} />
      </section>

      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="font-semibold">Leave</h2>
        <p className="mt-1 text-sm text-slate-600">Leave this workspace. The last owner cannot leave; make someone else an owner first.</p>
        <div className="mt-3">
          <ConfirmButton
            label="Leave workspace"
            confirmLabel="Leave"
            pending={leave.isPending}
            onConfirm={() => leave.mutate({ workspace: workspace.slug, userId: workspace.userId })}
          />
        </div>
        <ErrorNote error={leave.error} />
      </section>

      {workspace.can("workspace.delete") ? (
        <section className="rounded-lg border border-red-200 bg-white p-5">
          <h2 className="font-semibold text-red-800">Delete workspace</h2>
          <p className="mt-1 text-sm text-slate-600">
            Deletes the workspace with its members, invitations and API tokens. This cannot be undone.
          </p>
          <div className="mt-3">
            <ConfirmButton
              label="Delete workspace"
              confirmLabel="Delete forever"
              typeToConfirm={workspace.slug}
              pending={remove.isPending}
              onConfirm={() => remove.mutate({ workspace: workspace.slug, confirm: workspace.slug })}
            />
          </div>
          <ErrorNote error={remove.error} />
        </section>
      ) : null}
    </div>
  );
}
