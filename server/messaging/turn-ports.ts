import { getDb } from "../db/client";
import { createLogger } from "../observability/logger";
import type { Provider } from "../routing/capabilities";
import { findAgentTools, runToolAsAgent } from "../runtime/agent-tools";
import { systemClock, noMemory } from "../runtime/default-ports";
import type { TurnPorts } from "../runtime/ports";
import { providerFor, ProviderError } from "../runtime/providers";
import { mockProvider } from "../runtime/providers/mock";
import { createRecorder } from "../runtime/recording";
import { readSecretForRuntime } from "../secrets/secrets";
import { noteOpenedSecret } from "../secrets/values";
import { delegate } from "./delegate";
import { draftWriter } from "./draft-events";
import type { RunningRequest } from "./message-rows";

/**
 * The production ports of a turn on a stored request (server/runtime/ports.ts): the agent's
 * provider, the workspace's tools run in this worker's sandbox under the day's tool-time
 * quota, delegation as a new request one level deeper, drafts on the workspace's Redis
 * channel, the conversation's earlier messages from Postgres, workspace secrets, the system
 * clock, and a recorder that keeps every call for the reply's trace (scrubbed of the
 * workspace's secrets when the reply is stored, message-rows.ts).
 */

const logger = createLogger("turn");

/** Earlier messages a prompt's `{{context}}` shows at most. */
const HISTORY_MESSAGES = 50;

export function turnPorts(request: RunningRequest, provider: Provider): TurnPorts {
  const { workspaceId } = request;
  return {
    model: {
      open: ({ llm, apiKey, agentName, request: text }) => {
        const model =
          llm.provider === "mock"
            ? mockProvider({ agentName, request: text, script: llm.script })
            : providerFor(llm.provider, { baseUrl: llm.base_url, apiKey });
        return {
          complete: (completion) =>
            model.complete(completion).catch((error: unknown) => {
              // For the operator: a vendor refusing a key or a base_url out of reach shows up here first.
              if (error instanceof ProviderError)
                logger.warn(
                  {
                    event: "provider failed",
                    workspaceId,
                    agent: agentName,
                    provider: llm.provider,
                    status: error.status,
                    reason: error.message,
                  },
                  "provider call failed",
                );
              throw error;
            }),
        };
      },
    },
    tools: {
      find: (names) => findAgentTools(workspaceId, names),
      // The sandbox bounds each call by the tool's own timeoutMs; the turn's signal is not needed there.
      run: (tool, input) => runToolAsAgent(workspaceId, provider.agentName, tool, input, request.quotaOverrides),
    },
    delegation: {
      ask: (capability, content, { timeoutMs }) =>
        delegate(
          { id: request.id, workspaceId, conversationId: request.conversationId, depth: request.depth },
          { agentId: provider.agentId, agentName: provider.agentName, maxDepth: provider.config.limits.max_depth },
          capability,
          content,
          timeoutMs,
        ),
    },
    drafts: {
      open: () => draftWriter(workspaceId, { requestId: request.id, conversationId: request.conversationId, agent: provider.agentName }),
    },
    history: {
      async earlier() {
        const rows = await getDb().message.findMany({
          where: { workspaceId, conversationId: request.conversationId, id: { not: request.id }, createdAt: { lt: request.createdAt } },
          orderBy: { createdAt: "desc" },
          take: HISTORY_MESSAGES,
          select: { senderLabel: true, performative: true, content: true },
        });
        return rows.reverse();
      },
    },
    secrets: {
      async read(name) {
        const value = await readSecretForRuntime(workspaceId, name);
        // The reply is scrubbed of the workspace's values when stored: make sure this one is among them.
        if (value !== null) await noteOpenedSecret(workspaceId, value);
        return value;
      },
    },
    memory: noMemory,
    clock: systemClock,
    recorder: createRecorder(),
  };
}
