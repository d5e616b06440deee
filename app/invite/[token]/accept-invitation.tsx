"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ErrorNote } from "../../_components/error-note";
import { useTRPC } from "../../_components/trpc";

export function AcceptInvitation({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(trpc.invitations.accept.mutationOptions({ onSuccess: ({ slug }) => router.push(`/w/${slug}`) }));
  return (
    <div className="mt-4">
      <button
        type="button"
        onClick={() => accept.mutate({ token })}
        disabled={accept.isPending}
        className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-50"
      >
        Accept invitation
      </button>
      <ErrorNote error={accept.error} />
    </div>
  );
}
