import { z } from "zod";
import { getUser } from "../../auth/users";

/** Input of every procedure inside a workspace: its slug (checked by workspaceProcedure). */
export const ws = z.object({ workspace: z.string() });

/** How a signed-in user is named in audit entries. */
export async function userLabel(userId: string): Promise<string> {
  const user = await getUser(userId);
  return user?.email ?? user?.name ?? userId;
}
