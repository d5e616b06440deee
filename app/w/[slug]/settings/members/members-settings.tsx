"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmButton } from "../../../../_components/confirm-button";
import { ErrorNote } from "../../../../_components/error-note";
import { useTRPC } from "../../../../_components/trpc";
import { useWorkspace } from "../../../../_components/workspace-context";

const roles = ["owner", "admin", "member", "viewer"] as const;
type Role = (typeof roles)[number];

export function MembersSettings() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const listOptions = trpc.members.list.infiniteQueryOptions(
    { workspace: workspace.slug, limit: 50 },
    { getNextPageParam: (page) => page.nextCursor ?? undefined },
  );
  const members = useInfiniteQuery(listOptions);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.members.list.pathKey() });
  const changeRole = useMutation(trpc.members.changeRole.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.members.remove.mutationOptions({ onSuccess: refresh }));
  // Only owners may touch owners or hand out ownership.
  const assignable = roles.filter((r) => workspace.role === "owner" || r !== "owner");

  return (
    <div className="space-y-8">
      {workspace.can("members.invite") ? <InviteForm assignable={assignable} /> : null}
      <section>
        <h2 className="mb-3 font-semibold">Members</h2>
        {members.isPending ? (
          <p role="status" className="text-sm text-slate-500">
            Loading members…
          </p>
        ) : null}
        <ErrorNote error={members.error ?? changeRole.error ?? remove.error} />
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {members.data?.pages
            .flatMap((p) => p.items)
            .map((m) => {
              const manageable = m.userId !== workspace.userId && (workspace.role === "owner" || m.role !== "owner");
              return (
                <li key={m.id} data-testid="member-row" className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
                  <div className="min-w-0">
                    <p className="truncate font-medium">{m.name ?? m.email}</p>
                    <p className="truncate text-sm text-slate-500">{m.email}</p>
                  </div>
                  <div className="flex items-center gap-2">
                    {workspace.can("members.update") && manageable ? (
                      <select
                        aria-label={`Role of ${m.name ?? m.email}`}
                        value={m.role}
                        onChange={(e) => changeRole.mutate({ workspace: workspace.slug, userId: m.userId, role: e.target.value as Role })}
                        className="rounded-md border border-slate-300 px-2 py-1 text-sm"
                      >
                        {assignable.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <span className="rounded bg-slate-100 px-2 py-1 text-xs font-medium text-slate-700">{m.role}</span>
                    )}
                    {workspace.can("members.remove") && manageable ? (
                      <ConfirmButton
                        label="Remove"
                        confirmLabel="Remove member"
                        pending={remove.isPending}
                        onConfirm={() => remove.mutate({ workspace: workspace.slug, userId: m.userId })}
                      />
                    ) : null}
                  </div>
                </li>
              );
            })}
        </ul>
        {members.hasNextPage ? (
          <button type="button" onClick={() => void members.fetchNextPage()} className="mt-3 text-sm font-medium text-brand-700">
            Load more
          </button>
        ) : null}
      </section>
    </div>
  );
}

function InviteForm({ assignable }: { assignable: readonly Role[] }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const [role, setRole] = useState<Role>("member");
  const invite = useMutation(trpc.members.invite.mutationOptions());
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 className="font-semibold">Invite someone</h2>
      <p className="mt-1 text-sm text-slate-600">
        Creates a link that works once, for 3 days. Send it to the person you invite; they sign in and join.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          invite.mutate({ workspace: workspace.slug, role, expiresInHours: 72 });
        }}
        className="mt-3 flex flex-wrap items-center gap-2"
      >
        <label className="text-sm">
          Role{" "}
          <select value={role} onChange={(e) => setRole(e.target.value as Role)} className="rounded-md border border-slate-300 px-2 py-1">
            {assignable.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          disabled={invite.isPending}
          className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
        >
          Create invitation link
        </button>
      </form>
      {invite.data ? (
        <div className="mt-3 rounded-md bg-slate-50 p-3 text-sm">
          <p>
            Invitation link for a {invite.data.role} (expires {new Date(invite.data.expiresAt).toLocaleString()}):
          </p>
          <input
            readOnly
            value={invite.data.url}
            aria-label="Invitation link"
            onFocus={(e) => e.target.select()}
            className="mt-2 w-full rounded border border-slate-300 bg-white px-2 py-1 font-mono text-xs"
          />
        </div>
      ) : null}
      <ErrorNote error={invite.error} />
    </section>
  );
}
