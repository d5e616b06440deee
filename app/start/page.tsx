import { redirect } from "next/navigation";
import { currentUserId } from "@/server/auth/next-auth";
import { homeOf } from "@/server/auth/users";

export const dynamic = "force-dynamic";

/** Where sign-in lands: onboarding for newcomers, else the user's first workspace. */
export default async function StartPage() {
  const userId = await currentUserId();
  redirect(userId ? await homeOf(userId) : "/signin");
}
