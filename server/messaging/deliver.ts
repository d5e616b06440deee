import type { Prisma } from "@prisma/client";
import { getDb } from "../db/client";
import type { Provider } from "../routing/capabilities";
import { capabilityIndexOf } from "../routing/index-cache";
import { admit, recordFailure, recordSuccess, type BreakerState } from "../routing/breaker";
import { choose, inFlight } from "../routing/strategies";
import { runTurn, type TurnResult } from "../runtime/turn";
import { publishMessageEvent } from "./events";

/**
 * The worker's side of a request: route it by capability, let each chosen agent take its
 * turn, store the replies. Every reply has a `replyKey` (request id and agent), unique, so a
 * job that runs twice (a worker killed mid-turn) cannot answer twice.
 */

type MessageRow = Prisma.MessageGetPayload<object>;

async function reply(request: MessageRow, from: Provider | null, result: TurnResult, versionId: string | null): Promise<void> {
  await getDb().message.createMany({
    data: [
      {
        workspaceId: request.workspaceId,
        conversationId: request.conversationId,
        performative: result.performative,
        capability: request.capability,
        senderType: from ? "agent" : "system",
        senderLabel: from?.agentName ?? "router",
        senderAgentId: from?.agentId ?? null,
        agentVersionId: versionId,
        inReplyToId: request.id,
        replyKey: `${request.id}:${from?.agentId ?? "router"}`,
        content: result.content,
        ...(result.trace ? { trace: result.trace } : {}),
        status: result.performative === "FAILURE" ? "failed" : "answered",
        depth: request.depth,
        completedAt: new Date(),
      },
    ],
    skipDuplicates: true,
  });
  await publishMessageEvent({ replyKey: `${request.id}:${from?.agentId ?? "router"}` });
}

export async function deliverMessage(messageId: string): Promise<void> {
  const db = getDb();
  const request = await db.message.findUnique({ where: { id: messageId } });
  if (!request || request.status === "answered" || request.status === "failed") return;
  await publishMessageEvent(await db.message.update({ where: { id: request.id }, data: { status: "running", startedAt: request.startedAt ?? new Date() } }));

  const index = await capabilityIndexOf(request.workspaceId);
  const providers = index.providers(request.capability);
  // Agents whose breaker is open are passed over (in half-open, one trial turn is let through).
  const breakers: Record<string, BreakerState> = {};
  const admitted: Provider[] = [];
  for (const provider of providers) {
    const gate = await admit(provider.agentId);
    breakers[provider.agentName] = gate.state;
    if (gate.admitted) admitted.push(provider);
  }
  const decision = await choose(request.workspaceId, request.capability, admitted);
  const routing = { strategy: decision.strategy, candidates: providers.map((p) => p.agentName), chosen: decision.chosen.map((p) => p.agentName), reason: decision.reason, breakers, decisionMs: Number(decision.decisionMs.toFixed(3)) };

  if (providers.length > 0 && admitted.length === 0) {
    const reason = `Every agent offering "${request.capability}" has an open circuit breaker (${providers.map((p) => p.agentName).join(", ")}): it failed repeatedly. Try again after the cool-down.`;
    return failRequest(request, reason, { reason, breakers }, routing);
  }

  if (decision.chosen.length === 0) {
    const nearest = index.nearest(request.capability);
    const reason = `No agent offers "${request.capability}".${nearest.length ? ` Nearest: ${nearest.map((n) => `${n.capability} (${n.agents} agent${n.agents === 1 ? "" : "s"})`).join(", ")}.` : " No agent in this workspace offers anything yet."}`;
    return failRequest(request, reason, { reason, nearest }, routing);
  }

  const results = await Promise.all(
    decision.chosen.map(async (provider) => {
      const result = await inFlight(provider.agentId, () => runTurn(request.workspaceId, provider, request.content, request));
      await reply(request, provider, result, provider.versionId);
      if (result.performative === "INFORM") await recordSuccess(provider.agentId, provider.agentName);
      else await recordFailure(provider.agentId, provider.agentName);
      return result;
    }),
  );
  const answered = results.some((r) => r.performative === "INFORM");
  const first = decision.chosen[0]!;
  const done = await db.message.update({
    where: { id: request.id },
    data: { status: answered ? "answered" : "failed", receiverAgentId: first.agentId, agentVersionId: first.versionId, routing, completedAt: new Date() },
  });
  await publishMessageEvent(done);
}

/** Ends a request the router itself answers: a FAILURE reply from `router`, the request failed. */
async function failRequest(request: MessageRow, reason: string, content: Prisma.InputJsonObject, routing?: Prisma.InputJsonObject): Promise<void> {
  await reply(request, null, { performative: "FAILURE", content }, null);
  await publishMessageEvent(await getDb().message.update({ where: { id: request.id }, data: { status: "failed", error: reason, ...(routing ? { routing } : {}), completedAt: new Date() } }));
}

/** A request no attempt could deliver (a poison message) ends as a FAILURE with the reason. */
export async function giveUpOnMessage(messageId: string, reason: string): Promise<void> {
  const db = getDb();
  const request = await db.message.findUnique({ where: { id: messageId } });
  if (!request || request.status === "answered" || request.status === "failed") return;
  await failRequest(request, reason, { reason: `The message could not be delivered: ${reason}` });
}
