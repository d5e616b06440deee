import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { githubConfigured, operatorSignInEnabled } from "@/server/auth/operator";
import { currentUserId, signIn } from "@/server/auth/next-auth";
import { Logo } from "../_components/logo";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const errors: Record<string, string> = {
  "link-invalid": "That sign-in link is not valid: it expired, was already used, or was mistyped.",
  "link-disabled": "Local operator sign-in is turned off on this install.",
  OAuthCallbackError: "GitHub did not complete the sign-in. Try again.",
  AccessDenied: "Sign-in was refused.",
  Configuration: "Sign-in is misconfigured on this server; see its log.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  // Only same-site paths: never bounce a user to another host after sign-in.
  const next = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/start";
  if (await currentUserId()) redirect(next);
  const github = githubConfigured();
  const operator = operatorSignInEnabled();

  async function signInWithGitHub() {
    "use server";
    await signIn("github", { redirectTo: next });
  }

  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <div className="mb-6 flex items-center gap-2 text-lg font-semibold">
          <Logo /> Sign in to Caxton
        </div>
        {error ? (
          <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {errors[error] ?? "Sign-in failed. Try again."}
          </p>
        ) : null}
        {github ? (
          <form action={signInWithGitHub}>
            <button type="submit" className="w-full rounded-md bg-slate-900 px-4 py-2.5 font-medium text-white hover:bg-slate-800">
              Sign in with GitHub
            </button>
          </form>
        ) : null}
        {operator ? (
          <div className={github ? "mt-6 border-t border-slate-200 pt-6" : ""}>
            <h2 className="text-sm font-semibold">Local operator</h2>
            <p className="mt-1 text-sm text-slate-600">
              Open the one-time sign-in link that Caxton printed in the terminal where it started. For a new link run{" "}
              <code className="rounded bg-slate-100 px-1 font-mono text-xs">npx caxton admin login-link</code>.
            </p>
          </div>
        ) : null}
        {!github && !operator ? (
          <p className="text-sm text-slate-600">
            No sign-in method is enabled. Configure GitHub (AUTH_GITHUB_ID, AUTH_GITHUB_SECRET) or set CAXTON_LOCAL_OPERATOR=on.
          </p>
        ) : null}
      </div>
    </main>
  );
}
