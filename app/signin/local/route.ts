import { cookies } from "next/headers";
import { createSession, redeemOperatorLink, sessionCookieName } from "@/server/auth/operator";
import { afterSignIn } from "@/server/auth/users";
import { AppError } from "@/server/lib/errors";

export const dynamic = "force-dynamic";

/** The local operator's one-time link: consume it, start a session, go to the front door. */
export async function GET(request: Request) {
  const url = new URL(request.url);
  const token = url.searchParams.get("token") ?? "";
  const base = request.headers.get("x-forwarded-proto") === "https" || url.protocol === "https:";
  try {
    const userId = await redeemOperatorLink(token);
    const session = await createSession(userId);
    await afterSignIn(userId, "local operator link");
    (await cookies()).set(sessionCookieName(base), session.sessionToken, {
      httpOnly: true,
      sameSite: "lax",
      secure: base,
      path: "/",
      expires: session.expires,
    });
    return new Response(null, { status: 303, headers: { location: "/start" } });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const reason = error.code === "forbidden" ? "link-disabled" : "link-invalid";
    return new Response(null, { status: 303, headers: { location: `/signin?error=${reason}` } });
  }
}
