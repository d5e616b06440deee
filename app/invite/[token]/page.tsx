import type { Metadata } from "next";
import Link from "next/link";
import { currentUserId } from "@/server/auth/next-auth";
import { previewInvitation } from "@/server/workspaces/invitations";
import { Logo } from "../../_components/logo";
import { AcceptInvitation } from "./accept-invitation";

export const metadata: Metadata = { title: "Invitation" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [invitation, userId] = await Promise.all([previewInvitation(token), currentUserId()]);
  let body: React.ReactNode;
  if (!invitation) {
    body = <p className="text-sm text-slate-600">This invitation link is not valid. Ask whoever sent it for a new one.</p>;
  } else if (invitation.state !== "valid") {
    body = (
      <p className="text-sm text-slate-600">
        This invitation to <strong>{invitation.workspaceName}</strong> {invitation.state === "used" ? "was already used" : "has expired"}.
        Ask a workspace admin for a new link.
      </p>
    );
  } else {
    body = (
      <>
        <p className="text-sm text-slate-600">
          You are invited to join <strong>{invitation.workspaceName}</strong> as <strong>{invitation.role}</strong>.
        </p>
        {userId ? (
          <AcceptInvitation token={token} />
        ) : (
          <Link
            href={`/signin?callbackUrl=/invite/${token}`}
            className="mt-4 inline-block rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700"
          >
            Sign in to accept
          </Link>
        )}
      </>
    );
  }
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <div className="mb-4 flex items-center gap-2 text-lg font-semibold">
          <Logo /> Invitation
        </div>
        {body}
      </div>
    </main>
  );
}
