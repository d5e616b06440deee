import type { Prisma } from "@prisma/client";
import { getDb } from "../db/client";
import { jobs } from "../queue/jobs";
import { enqueue, getQueueEvents } from "../queue/queues";

/**
 * An agent asking another capability during its turn (the runtime's built-in `ask`): a new
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

export type Delegation = { ok: true; content: unknown; agent: string } | { ok: false; reason: string };

/** The capabilities requested along the chain that led to `parentId`, nearest first. */
async function chainOf(parentId: string): Promise<string[]> {
  const capabilities: string[] = [];
  let next: string | null = parentId;
  for (let hops = 0; next && hops < 64; hops++) {
    const row: { capability: string; parentId: string | null } | null = await getDb().message.findUnique({ where: { id: next }, select: { capability: true, parentId: true } });
    if (!row) break;
    capabilities.push(row.capability);
    next = row.parentId;
  }
  return capabilities;
}

export async function delegate(parent: DelegationParent, from: Delegator, capability: string, content: unknown, timeoutMs: number): Promise<Delegation> {
  const depth = parent.depth + 1;
  if (depth > from.maxDepth) {
    return { ok: false, reason: `Delegating "${capability}" would reach depth ${depth}, past ${from.agentName}'s limit of ${from.maxDepth} ([limits] max_depth).` };
  }
  const chain = await chainOf(parent.id);
  if (chain.includes(capability)) {
    return { ok: false, reason: `"${capability}" is already being worked on up this chain (${[...chain].reverse().join(" → ")}); asking it again would loop.` };
  }
  const db = getDb();
  const request = await db.message.create({
    data: {
      workspaceId: parent.workspaceId,
      conversationId: parent.conversationId,
      performative: "REQUEST",
      capability,
      senderType: "agent",
      senderLabel: from.agentName,
      senderAgentId: from.agentId,
      content: (content ?? "") as Prisma.InputJsonValue,
      depth,
      parentId: parent.id,
    },
  });
  const job = await enqueue(jobs.messageDeliver, { messageId: request.id }, request.id);
  try {
    await job.waitUntilFinished(getQueueEvents("messages"), timeoutMs);
  } catch {
    // Timed out or failed: the replies stored so far say which.
  }
  const replies = await db.message.findMany({ where: { inReplyToId: request.id }, orderBy: { createdAt: "asc" } });
  const answer = replies.find((r) => r.performative === "INFORM");
  if (answer) return { ok: true, content: answer.content, agent: answer.senderLabel };
  const failure = replies.find((r) => r.performative === "FAILURE");
  const reason = (failure?.content as { reason?: string } | null)?.reason;
  return { ok: false, reason: reason ?? `No reply to "${capability}" within ${timeoutMs} ms.` };
}
