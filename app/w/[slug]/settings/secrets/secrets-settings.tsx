"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmButton } from "../../../../_components/confirm-button";
import { ErrorNote } from "../../../../_components/error-note";
import { useTRPC } from "../../../../_components/trpc";
import { useWorkspace } from "../../../../_components/workspace-context";

const NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;
const when = (value: string | Date) => new Date(value).toLocaleString();

/** Workspace secrets: names and who set them; values go in and never come back. */
export function SecretsSettings() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const secrets = useQuery(trpc.secrets.list.queryOptions({ workspace: workspace.slug }, { enabled: workspace.can("secrets.write") }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.secrets.list.pathKey() });
  const remove = useMutation(trpc.secrets.delete.mutationOptions({ onSuccess: refresh }));
  const [replacing, setReplacing] = useState<string | null>(null);

  if (!workspace.can("secrets.write")) {
    return (
      <p className="rounded-md bg-slate-50 p-3 text-sm text-slate-600">
        Your role ({workspace.role}) cannot see or change this workspace&apos;s secrets; ask an owner or admin.
      </p>
    );
  }
  const rows = secrets.data?.items ?? [];
  return (
    <div className="space-y-8">
      <SetSecretForm
        key={replacing ?? "new"}
        replacing={replacing}
        onDone={() => {
          setReplacing(null);
          void refresh();
        }}
      />
      <section aria-label="Secrets">
        <h2 className="mb-3 font-semibold">Secrets of this workspace</h2>
        {secrets.isPending ? (
          <p role="status" className="text-sm text-slate-500">
            Loading secrets…
          </p>
        ) : null}
        <ErrorNote error={secrets.error ?? remove.error} />
        {!secrets.isPending && !secrets.isError && rows.length === 0 ? <EmptySecrets /> : null}
        {rows.length ? (
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-left text-sm">
              <thead className="bg-slate-50 text-xs uppercase text-slate-500">
                <tr>
                  <th className="px-3 py-2">Name</th>
                  <th className="px-3 py-2">Updated</th>
                  <th className="px-3 py-2">Set by</th>
                  <th className="px-3 py-2" />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((s) => (
                  <tr key={s.name} data-testid="secret-row">
                    <td className="px-3 py-2 font-mono font-medium">{s.name}</td>
                    <td className="px-3 py-2">{when(s.updatedAt)}</td>
                    <td className="px-3 py-2 break-all">{s.setBy ?? "—"}</td>
                    <td className="px-3 py-2 text-right">
                      <div className="flex flex-wrap justify-end gap-2">
                        <button
                          type="button"
                          onClick={() => setReplacing(s.name)}
                          className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium"
                        >
                          Replace
                        </button>
                        <ConfirmButton
                          label="Delete"
                          confirmLabel={`Delete ${s.name}`}
                          description="Agents that use it will answer FAILURE until it is set again."
                          pending={remove.isPending}
                          onConfirm={() => remove.mutate({ workspace: workspace.slug, name: s.name })}
                        />
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </div>
  );
}

function EmptySecrets() {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-600">
      <p className="font-medium text-slate-800">No secrets yet</p>
      <p className="mt-1">
        Secrets hold what agents need but nobody should read back, such as an LLM provider&apos;s API key. Set one here (e.g.{" "}
        <code className="font-mono">OPENAI_API_KEY</code>), then name it in an agent:{" "}
        <code className="font-mono">[llm] api_key_secret = &quot;OPENAI_API_KEY&quot;</code>. Values are encrypted at rest and never shown
        again, here or in the API.
      </p>
    </div>
  );
}

function SetSecretForm({ replacing, onDone }: { replacing: string | null; onDone: () => void }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const [name, setName] = useState(replacing ?? "");
  const [value, setValue] = useState("");
  const set = useMutation(
    trpc.secrets.set.mutationOptions({
      onSuccess: () => {
        setValue("");
        setName("");
        onDone();
      },
    }),
  );
  const nameProblem =
    name && !NAME_PATTERN.test(name)
      ? "Use uppercase letters, digits and underscores, starting with a letter (e.g. OPENAI_API_KEY)."
      : null;
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 className="font-semibold">{replacing ? `Replace the value of ${replacing}` : "Set a secret"}</h2>
      <form
        aria-label="Set a secret"
        onSubmit={(e) => {
          e.preventDefault();
          set.mutate({ workspace: workspace.slug, name, value });
        }}
        className="mt-3 space-y-3"
      >
        <label className="block text-sm font-medium">
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value.toUpperCase())}
            readOnly={Boolean(replacing)}
            required
            maxLength={100}
            placeholder="OPENAI_API_KEY"
            aria-invalid={nameProblem ? true : undefined}
            className="mt-1 block w-full max-w-sm rounded-md border border-slate-300 px-3 py-1.5 font-mono font-normal"
          />
        </label>
        {nameProblem ? <p className="text-xs text-red-700">{nameProblem}</p> : null}
        <label className="block text-sm font-medium">
          Value
          <input
            type="password"
            autoComplete="off"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            required
            maxLength={16384}
            className="mt-1 block w-full max-w-sm rounded-md border border-slate-300 px-3 py-1.5 font-normal"
          />
        </label>
        <p className="text-xs text-slate-500">The value is encrypted and never shown again. Setting an existing name replaces its value.</p>
        <div className="flex gap-2">
          <button
            type="submit"
            disabled={set.isPending || Boolean(nameProblem) || !name || !value}
            className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
          >
            {replacing ? "Replace value" : "Save secret"}
          </button>
          {replacing ? (
            <button type="button" onClick={onDone} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm">
              Cancel
            </button>
          ) : null}
        </div>
      </form>
      <ErrorNote error={set.error} />
    </section>
  );
}
