import type { Delegation } from "../runtime/ports";
import { chainOf } from "./message-rows";
import { submitRequest } from "./messages";

/**
 * An agent asking another capability during its turn (the production delegation port of the runtime's built-in `ask`): a new
 * REQUEST in the same conversation, one level deeper, routed like any message; the turn
 * waits for its reply. Refused past the asking agent's `max_depth`, and when the capability
 * is already being worked on up the chain (a cycle would never end).
 *
 * A waiting turn holds its worker slot, so a chain longer than the worker's concurrency
 * waits on itself until the timeout; depth limits keep chains short.
 */

export interface DelegationParent {
  id: string;
  workspaceId: string;
  conversationId: string;
  depth: number;
}

export interface Delegator {
  agentId: string;
  agentName: string;
  maxDepth: number;
}

export type { Delegation } from "../runtime/ports";

export async function delegate(
  parent: DelegationParent,
  from: Delegator,
  capability: string,
  content: unknown,
  timeoutMs: number,
): Promise<Delegation> {
  const depth = parent.depth + 1;
  if (depth > from.maxDepth) {
    return {
      ok: false,
      reason: `Delegating "${capability}" would reach depth ${depth}, past ${from.agentName}'s limit of ${from.maxDepth} ([limits] max_depth).`,
    };
  }
  const chain = await chainOf(parent.workspaceId, parent.id);
  if (chain.includes(capability)) {
    return {
      ok: false,
      reason: `"${capability}" is already being worked on up this chain (${[...chain].reverse().join(" → ")}); asking it again would loop.`,
    };
  }
  const sent = await submitRequest(
    {
      workspaceId: parent.workspaceId,
      conversationId: parent.conversationId,
      capability,
      senderType: "agent",
      senderLabel: from.agentName,
      senderAgentId: from.agentId,
      content: content ?? "",
      depth,
      parentId: parent.id,
    },
    timeoutMs,
  );
  if (!sent) return { ok: false, reason: "The conversation was deleted while the agent was working." };
  const { replies } = sent;
  const answer = replies.find((r) => r.performative === "INFORM");
  if (answer) return { ok: true, content: answer.content, agent: answer.senderLabel };
  const failure = replies.find((r) => r.performative === "FAILURE");
  const reason = (failure?.content as { reason?: string } | null)?.reason;
  return { ok: false, reason: reason ?? `No reply to "${capability}" within ${timeoutMs} ms.` };
}
