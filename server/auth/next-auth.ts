import "server-only";
import { PrismaAdapter } from "@auth/prisma-adapter";
import NextAuth from "next-auth";
import GitHub from "next-auth/providers/github";
import { getConfig } from "../config/load";
import { getDb } from "../db/client";
import { githubConfigured } from "./operator";
import { afterSignIn } from "./users";

/**
 * Auth.js, the one module of server/auth bound to Next.js. Configured per request (lazy)
 * so nothing reads configuration at build time. Database sessions: signing out or
 * deleting a user ends their sessions at once.
 */
export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const config = getConfig();
  return {
    adapter: PrismaAdapter(getDb()),
    secret: config.authSecret,
    trustHost: true,
    session: { strategy: "database" },
    pages: { signIn: "/signin", error: "/signin" },
    providers: githubConfigured(config)
      ? [
          GitHub({
            clientId: config.githubClientId,
            clientSecret: config.githubClientSecret,
            ...(config.githubUrl ? { enterprise: { baseUrl: config.githubUrl.replace(/\/+$/, "") } } : {}),
          }),
        ]
      : [],
    callbacks: {
      session({ session, user }) {
        session.user.id = user.id;
        return session;
      },
    },
    events: {
      async signIn({ user }) {
        if (user.id) await afterSignIn(user.id, "github");
      },
    },
  };
});

/** The signed-in user's id, or null. */
export async function currentUserId(): Promise<string | null> {
  const session = await auth();
  return session?.user?.id ?? null;
}
