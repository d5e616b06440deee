"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { scopeDescriptions, scopes, type Scope } from "@/server/auth/permissions";
import { ConfirmButton } from "../../../../_components/confirm-button";
import { ErrorNote } from "../../../../_components/error-note";
import { useTRPC } from "../../../../_components/trpc";
import { useWorkspace } from "../../../../_components/workspace-context";

const date = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString() : "—");

export function TokensSettings() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useInfiniteQuery(
    trpc.tokens.list.infiniteQueryOptions({ workspace: workspace.slug, limit: 50 }, { getNextPageParam: (p) => p.nextCursor ?? undefined }),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.pathKey() });
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess: refresh }));
  const rows = tokens.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="space-y-8">
      {workspace.can("tokens.create") ? (
        <CreateTokenForm onCreated={refresh} />
      ) : (
        <p className="rounded-md bg-slate-50 p-3 text-sm text-slate-600">Your role ({workspace.role}) cannot create API tokens.</p>
      )}
      <section>
        <h2 className="mb-3 font-semibold">{workspace.can("tokens.manageAll") ? "All tokens of this workspace" : "Your tokens"}</h2>
        {tokens.isPending ? (
          <p role="status" className="text-sm text-slate-500">
            Loading tokens…
          </p>
        ) : null}
        <ErrorNote error={tokens.error ?? revoke.error} />
        {!tokens.isPending && rows.length === 0 ? <p className="text-sm text-slate-500">No tokens yet.</p> : null}
        {rows.length ? (
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-left text-sm">
              <thead className="bg-slate-50 text-xs uppercase text-slate-500">
                <tr>
                  <th className="px-3 py-2">Name</th>
                  <th className="px-3 py-2">Token</th>
                  <th className="px-3 py-2">Scopes</th>
                  <th className="px-3 py-2">Created</th>
                  <th className="px-3 py-2">Last used</th>
                  <th className="px-3 py-2">Expires</th>
                  <th className="px-3 py-2" />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((t) => (
                  <tr key={t.id} data-testid="token-row">
                    <td className="px-3 py-2 font-medium">{t.name}</td>
                    <td className="px-3 py-2 font-mono text-xs">{t.prefix}…</td>
                    <td className="px-3 py-2 text-xs">{t.scopes.join(", ")}</td>
                    <td className="px-3 py-2">{date(t.createdAt)}</td>
                    <td className="px-3 py-2">{date(t.lastUsedAt)}</td>
                    <td className="px-3 py-2">{date(t.expiresAt)}</td>
                    <td className="px-3 py-2 text-right">
                      {t.revokedAt ? (
                        <span className="text-xs text-slate-500">revoked</span>
                      ) : workspace.can("tokens.revoke") ? (
                        <ConfirmButton
                          label="Revoke"
                          confirmLabel="Revoke token"
                          pending={revoke.isPending}
                          onConfirm={() => revoke.mutate({ workspace: workspace.slug, id: t.id })}
                        />
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {tokens.hasNextPage ? (
          <button type="button" onClick={() => void tokens.fetchNextPage()} className="mt-3 text-sm font-medium text-brand-700">
            Load more
          </button>
        ) : null}
      </section>
    </div>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: () => void }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<Scope[]>(["agents:read"]);
  const [expires, setExpires] = useState("");
  const create = useMutation(trpc.tokens.create.mutationOptions({ onSuccess: onCreated }));
  const toggle = (scope: Scope) => setChosen((c) => (c.includes(scope) ? c.filter((s) => s !== scope) : [...c, scope]));

  if (create.data) {
    return (
      <section className="rounded-lg border border-amber-300 bg-amber-50 p-5" aria-label="New token">
        <h2 className="font-semibold">Copy your new token now</h2>
        <p className="mt-1 text-sm text-amber-900">This is the only time it is shown. Caxton keeps only a hash of it.</p>
        <input
          readOnly
          value={create.data.token}
          aria-label="New API token"
          onFocus={(e) => e.target.select()}
          className="mt-3 w-full rounded border border-amber-300 bg-white px-2 py-1.5 font-mono text-sm"
        />
        <p className="mt-2 text-xs text-amber-900">
          Use it with{" "}
          <code className="font-mono">caxton login --url {typeof window === "undefined" ? "" : window.location.origin} --token …</code> or
          as <code className="font-mono">Authorization: Bearer …</code>.
        </p>
        <button
          type="button"
          onClick={() => create.reset()}
          className="mt-3 rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white"
        >
          I have stored it
        </button>
      </section>
    );
  }
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 className="font-semibold">Create an API token</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({
            workspace: workspace.slug,
            name,
            scopes: chosen,
            expiresAt: expires ? new Date(`${expires}T23:59:59`) : undefined,
          });
        }}
        className="mt-3 space-y-3"
      >
        <label className="block text-sm font-medium">
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={80}
            placeholder="e.g. CI deploys"
            className="mt-1 block w-full max-w-sm rounded-md border border-slate-300 px-3 py-1.5 font-normal"
          />
        </label>
        <fieldset>
          <legend className="text-sm font-medium">Scopes</legend>
          <div className="mt-1 grid gap-1 sm:grid-cols-2">
            {scopes.map((scope) => (
              <label key={scope} className="flex items-start gap-2 text-sm">
                <input type="checkbox" checked={chosen.includes(scope)} onChange={() => toggle(scope)} className="mt-1" />
                <span>
                  <code className="font-mono">{scope}</code> <span className="text-slate-500">— {scopeDescriptions[scope]}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <label className="block text-sm font-medium">
          Expires (optional)
          <input
            type="date"
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
            className="mt-1 block rounded-md border border-slate-300 px-3 py-1.5 font-normal"
          />
        </label>
        <button
          type="submit"
          disabled={create.isPending || chosen.length === 0}
          className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
        >
          Create token
        </button>
      </form>
      <ErrorNote error={create.error} />
    </section>
  );
}
