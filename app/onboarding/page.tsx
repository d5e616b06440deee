import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUserId } from "@/server/auth/next-auth";
import { getUser } from "@/server/auth/users";
import { listWorkspacesOf } from "@/server/workspaces/workspaces";
import { Logo } from "../_components/logo";
import { OnboardingForm } from "./onboarding-form";

export const metadata: Metadata = { title: "Welcome" };
export const dynamic = "force-dynamic";

export default async function OnboardingPage() {
  const userId = await currentUserId();
  if (!userId) redirect("/signin?callbackUrl=/onboarding");
  const [user, workspaces] = await Promise.all([getUser(userId), listWorkspacesOf(userId)]);
  const workspace = workspaces.find((w) => w.personal) ?? workspaces[0];
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-lg rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <div className="mb-4 flex items-center gap-2 text-lg font-semibold">
          <Logo /> Welcome to Caxton{user?.name ? `, ${user.name}` : ""}
        </div>
        <p className="text-sm text-slate-600">
          Everything in Caxton lives in a workspace: agents, tools, memory, members and API tokens. We made you one; you own it and can
          invite others later.
        </p>
        {workspace ? (
          <OnboardingForm slug={workspace.slug} name={workspace.name} />
        ) : (
          <p className="mt-4 text-sm text-red-700">You have no workspace. Sign out and in again to get one.</p>
        )}
        <ol className="mt-6 list-decimal space-y-1 pl-5 text-sm text-slate-600">
          <li>Invite teammates under Settings → Members.</li>
          <li>Create an API token under Settings → API tokens for the CLI and scripts.</li>
          <li>Define your first agent under Agents.</li>
        </ol>
      </div>
    </main>
  );
}
