import { getDb } from "../db/client";
import type { Provider } from "../routing/capabilities";
import { findAgentTools, runToolAsAgent } from "../runtime/agent-tools";
import { systemClock, noMemory } from "../runtime/default-ports";
import type { TurnPorts } from "../runtime/ports";
import { providerFor } from "../runtime/providers";
import { mockProvider } from "../runtime/providers/mock";
import { createRecorder } from "../runtime/recording";
import { readSecretForRuntime } from "../secrets/secrets";
import { delegate } from "./delegate";
import { draftWriter } from "./draft-events";
import type { RunningRequest } from "./message-rows";

/**
 * The production ports of a turn on a stored request (server/runtime/ports.ts): the agent's
 * provider, the workspace's tools run in this worker's sandbox under the day's tool-time
 * quota, delegation as a new request one level deeper, drafts on the workspace's Redis
 * channel, the conversation's earlier messages from Postgres, workspace secrets, the system
 * clock, and a recorder that keeps every call for the reply's trace.
 */

/** Earlier messages a prompt's `{{context}}` shows at most. */
const HISTORY_MESSAGES = 50;

export function turnPorts(request: RunningRequest, provider: Provider): TurnPorts {
  const { workspaceId } = request;
  // Every secret value the turn reads is masked in its recording, wherever it turns up.
  const secretsRead = new Set<string>();
  return {
    model: {
      open: ({ llm, apiKey, agentName, request: text }) =>
        llm.provider === "mock" ? mockProvider({ agentName, request: text, script: llm.script }) : providerFor(llm.provider, { baseUrl: llm.base_url, apiKey }),
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
    drafts: { open: () => draftWriter(workspaceId, { requestId: request.id, conversationId: request.conversationId, agent: provider.agentName }) },
    history: {
      async earlier() {
        const rows = await getDb().message.findMany({
          where: { conversationId: request.conversationId, id: { not: request.id }, createdAt: { lt: request.createdAt } },
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
        if (value) secretsRead.add(value);
        return value;
      },
    },
    memory: noMemory,
    clock: systemClock,
    recorder: createRecorder({ secrets: () => secretsRead }),
  };
}
