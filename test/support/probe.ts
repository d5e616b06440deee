import { randomBytes } from "node:crypto";
import { sessionCookieName } from "../../server/auth/operator";
import { createDb } from "../../server/db/client";
import { uniqueName } from "./env";

/**
 * Starts the System page's queue round trip on a running Caxton, as a signed-in member would
 * (the probe is for members only): a user, a workspace and a session are written as a sign-in
 * leaves them. Resolves with the probe's id.
 */
export async function startProbeAsMember(url: string, databaseUrl: string, durationMs: number): Promise<string> {
  const db = createDb(databaseUrl);
  try {
    const user = await db.user.create({ data: { email: `${uniqueName("sam")}@example.test` } });
    const workspace = await db.workspace.create({ data: { slug: uniqueName("probe").replace(/_/g, "-"), name: "Probe" } });
    await db.membership.create({ data: { workspaceId: workspace.id, userId: user.id, role: "owner" } });
    const sessionToken = randomBytes(32).toString("hex");
    await db.session.create({ data: { sessionToken, userId: user.id, expires: new Date(Date.now() + 3_600_000) } });
    const response = await fetch(`${url}/api/trpc/system.startProbe`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: `${sessionCookieName(false)}=${sessionToken}` },
      body: JSON.stringify({ workspace: workspace.slug, durationMs }),
    });
    if (response.status !== 200) throw new Error(`system.startProbe answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { result: { data: { id: string } } }).result.data.id;
  } finally {
    await db.$disconnect();
  }
}
