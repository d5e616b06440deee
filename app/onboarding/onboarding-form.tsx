"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorNote } from "../_components/error-note";
import { useTRPC } from "../_components/trpc";

export function OnboardingForm({ slug, name }: { slug: string; name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [workspaceName, setWorkspaceName] = useState(name);
  const rename = useMutation(trpc.workspaces.rename.mutationOptions());
  const complete = useMutation(trpc.me.completeOnboarding.mutationOptions());

  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    if (workspaceName.trim() !== name) await rename.mutateAsync({ workspace: slug, name: workspaceName });
    await complete.mutateAsync();
    router.push(`/w/${slug}`);
  }

  return (
    <form onSubmit={(e) => void onSubmit(e).catch(() => {})} className="mt-6 space-y-3">
      <label className="block text-sm font-medium">
        Workspace name
        <input
          value={workspaceName}
          onChange={(e) => setWorkspaceName(e.target.value)}
          required
          maxLength={80}
          className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-normal"
        />
      </label>
      <p className="text-xs text-slate-500">Address: /w/{slug}</p>
      <button
        type="submit"
        disabled={rename.isPending || complete.isPending}
        className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-50"
      >
        Continue to your workspace
      </button>
      <ErrorNote error={rename.error ?? complete.error} />
    </form>
  );
}
