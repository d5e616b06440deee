import { pushAgent } from "../../server/agents/agents";
import { sendMessage } from "../../server/messaging/messages";
import { quotaNames, setQuota } from "../../server/quotas/quotas";
import { setSecret } from "../../server/secrets/secrets";
import { uploadTool } from "../../server/tools/tools";
import { sampleAgent } from "./agents";
import { tenantTarget, type TenantTarget } from "./cross-tenant";
import { createSessionFor, createWorkspaceWithRoles, type TestSession, type TestToken, type WorkspaceFixture } from "./identity";
import { recordedInvocation, sampleJsTool } from "./tools";

/** A workspace the malformed walks aim at: rows of every kind, so each call reaches its handler. */
export interface Walked {
  ws: WorkspaceFixture;
  token: TestToken;
  session: TestSession;
  target: TenantTarget;
}

/** A workspace with rows of every kind, its owner's token and session. */
export async function populatedWorkspace(label: string): Promise<Walked> {
  const ws = await createWorkspaceWithRoles(label);
  const owner = await ws.actor("owner");
  // The walk sends thousands of requests in a minute: lift every limit so none answers 429 instead of reaching its handler.
  for (const name of quotaNames) await setQuota(owner, name, 1_000_000);
  const token = await ws.token("owner");
  const spare = await ws.token("owner", { name: "spare" });
  const session = await createSessionFor(ws.users.owner.id);
  await pushAgent(owner, sampleAgent("walk-target"));
  await pushAgent(owner, sampleAgent("walk-target", { version: "1.1.0" }));
  await uploadTool(owner, sampleJsTool("walk-tool"));
  const invocation = await recordedInvocation(ws.workspace.id, "walk-tool");
  const { message } = await sendMessage(owner, { capability: "summarize", content: "a message to walk around" });
  await setSecret(owner, "WALK_API_KEY", "sk-walk");
  return {
    ws,
    token,
    session,
    target: tenantTarget(ws, spare.id, "walk-target", "walk-tool", message.conversationId, "WALK_API_KEY", invocation.id),
  };
}
