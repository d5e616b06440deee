import type { Prisma } from "@prisma/client";
import { noProviderReason, type Provider } from "../routing/capabilities";
import { capabilityIndexOf } from "../routing/index-cache";
import { admit, recordFailure, recordSuccess, type BreakerState } from "../routing/breaker";
import { choose, inFlight } from "../routing/strategies";
import { runTurn, type TurnResult } from "../runtime/turn";
import { publishMessageEvent } from "./events";
import { answerRequest, markRunning, workspaceOfMessage, type MessageRow, type NewReply, type RequestOutcome } from "./message-rows";
import { turnPorts } from "./turn-ports";

/**
 * The worker's side of a request: route it by capability, let each chosen agent take its
 * turn, then store the replies with the request's outcome in one statement. Every reply has
 * a `replyKey` (request id and agent), unique, so a job that runs twice (a worker killed
 * mid-turn) cannot answer twice.
 */

const replyFrom = (from: Provider | null, result: TurnResult): NewReply => ({
  performative: result.performative,
  content: result.content,
  trace: result.trace,
  senderType: from ? "agent" : "system",
  senderLabel: from?.agentName ?? "router",
  senderAgentId: from?.agentId ?? null,
  agentVersionId: from?.versionId ?? null,
});

/** Stores the replies and the request's outcome together, then tells live viewers. */
async function answer(request: MessageRow, replies: NewReply[], outcome: RequestOutcome): Promise<void> {
  const rows = await answerRequest(request, replies, outcome);
  await Promise.all(rows.map(publishMessageEvent));
}

/** Deliveries of one request that may begin; past them, one that never finished is not tried again. */
export const MAX_DELIVERY_ATTEMPTS = 3;

/** A delivery job's workspace: carried in its data, or (a job enqueued before it was) read from the row. */
export const jobWorkspace = async (messageId: string, workspaceId: string | undefined) =>
  workspaceId ?? (await workspaceOfMessage(messageId));

export async function deliverMessage(messageId: string, jobWorkspaceId?: string): Promise<void> {
  const workspaceId = await jobWorkspace(messageId, jobWorkspaceId);
  if (!workspaceId) return;
  const request = await markRunning(workspaceId, messageId, { attempt: true });
  if (!request) return;
  await publishMessageEvent(request);
  if (request.deliveryAttempts > MAX_DELIVERY_ATTEMPTS) {
    // Every earlier attempt ended without an answer: its worker died or wedged mid-turn (a
    // poison message, or a tool it ran). Running it again would take the next worker down too.
    const reason = `its delivery was begun ${request.deliveryAttempts - 1} times and each time the worker stopped before it finished (killed or wedged); it is not tried again`;
    return failRequest(request, `The message could not be delivered: ${reason}`, {
      reason: `The message could not be delivered: ${reason}`,
    });
  }

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
  const routing = {
    strategy: decision.strategy,
    candidates: providers.map((p) => p.agentName),
    chosen: decision.chosen.map((p) => p.agentName),
    reason: decision.reason,
    breakers,
    decisionMs: Number(decision.decisionMs.toFixed(3)),
  };

  if (providers.length > 0 && admitted.length === 0) {
    const reason = `Every agent offering "${request.capability}" has an open circuit breaker (${providers.map((p) => p.agentName).join(", ")}): it failed repeatedly. Try again after the cool-down.`;
    return failRequest(request, reason, { reason, breakers }, routing);
  }

  if (decision.chosen.length === 0) {
    const { reason, nearest, more } = noProviderReason(index, request.capability);
    return failRequest(request, reason, { reason, nearest, more }, routing);
  }

  const turns = await Promise.all(
    decision.chosen.map(async (provider) => ({
      provider,
      result: await inFlight(provider, () => runTurn({ agent: provider, content: request.content }, turnPorts(request, provider))),
    })),
  );
  const answered = turns.some((t) => t.result.performative === "INFORM");
  const first = decision.chosen[0]!;
  await answer(
    request,
    turns.map((t) => replyFrom(t.provider, t.result)),
    { status: answered ? "answered" : "failed", receiverAgentId: first.agentId, agentVersionId: first.versionId, routing },
  );
  await Promise.all(
    turns.map(({ provider, result }) =>
      result.performative === "INFORM"
        ? recordSuccess(provider.agentId, provider.agentName)
        : recordFailure(provider.agentId, provider.agentName),
    ),
  );
}

/** Ends a request the router itself answers: a FAILURE reply from `router`, the request failed. */
async function failRequest(
  request: MessageRow,
  reason: string,
  content: Prisma.InputJsonObject,
  routing?: Prisma.InputJsonObject,
): Promise<void> {
  await answer(request, [replyFrom(null, { performative: "FAILURE", content })], { status: "failed", error: reason, routing });
}

/** A request no attempt could deliver (a poison message) ends as a FAILURE with the reason. */
export async function giveUpOnMessage(messageId: string, jobWorkspaceId: string | undefined, reason: string): Promise<void> {
  const workspaceId = await jobWorkspace(messageId, jobWorkspaceId);
  if (!workspaceId) return;
  const request = await markRunning(workspaceId, messageId);
  if (!request) return;
  await failRequest(request, reason, { reason: `The message could not be delivered: ${reason}` });
}
