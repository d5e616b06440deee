import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { actorForSession } from "@/server/auth/actor";
import { currentUserId, signOut } from "@/server/auth/next-auth";
import { permissionsOf } from "@/server/auth/permissions";
import { getUser } from "@/server/auth/users";
import { AppError } from "@/server/lib/errors";
import { listWorkspacesOf } from "@/server/workspaces/workspaces";
import { AppNav } from "../../_components/app-nav";
import { Logo } from "../../_components/logo";
import { WorkspaceProvider } from "../../_components/workspace-context";
import { WorkspaceSwitcher } from "../../_components/workspace-switcher";

export const dynamic = "force-dynamic";

/** The signed-in shell of one workspace. Not a member: the workspace does not exist (404). */
export default async function WorkspaceLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const userId = await currentUserId();
  if (!userId) redirect(`/signin?callbackUrl=/w/${encodeURIComponent(slug)}`);
  const actor = await actorForSession(userId, slug).catch((error) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const [user, workspaces] = await Promise.all([getUser(userId), listWorkspacesOf(userId)]);
  const current = workspaces.find((w) => w.slug === slug)!;

  async function signOutAction() {
    "use server";
    await signOut({ redirectTo: "/" });
  }

  return (
    <WorkspaceProvider value={{ slug, name: current.name, role: actor.role, permissions: permissionsOf(actor), userId }}>
      <div className="flex min-h-screen flex-col md:flex-row">
        <aside className="flex flex-col border-b border-slate-200 bg-white px-3 py-3 md:w-60 md:shrink-0 md:border-b-0 md:border-r md:py-5">
          <Link href={`/w/${slug}`} className="mb-3 flex items-center gap-2 px-3 font-semibold">
            <Logo className="h-6 w-6" /> Caxton
          </Link>
          <div className="mb-3 px-1">
            <WorkspaceSwitcher current={current} workspaces={workspaces} />
          </div>
          <AppNav slug={slug} />
          <div className="mt-4 border-t border-slate-100 px-3 pt-3 text-sm md:mt-auto">
            <p className="truncate text-slate-700" data-testid="signed-in-as">
              {user?.name ?? user?.email}
            </p>
            <p className="text-xs text-slate-500">{actor.role}</p>
            <form action={signOutAction}>
              <button type="submit" className="mt-2 text-sm text-slate-600 hover:text-slate-900">
                Sign out
              </button>
            </form>
          </div>
        </aside>
        <main className="min-w-0 flex-1 px-4 py-6 sm:px-8 sm:py-8">{children}</main>
      </div>
    </WorkspaceProvider>
  );
}
