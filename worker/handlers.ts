import { deliverMessage, giveUpOnMessage } from "../server/messaging/deliver";
import { bindJobs, type JobHandlers } from "../server/queue/jobs";
import { runProbe } from "../server/system/probe";
import { executeInvocation } from "../server/tools/execute";
import { giveUpOnInvocation } from "../server/tools/unfinished-runs";

/**
 * What the worker does for each job of server/queue/jobs.ts. `satisfies JobHandlers`: a job
 * without a handler here, or a handler reading data its schema does not give, fails the
 * typecheck. Only the worker imports this module, so the sandboxes (server/tools/execute.ts)
 * and the agent runtime load in the worker process, never in the web process.
 */
export const handlers = {
  systemProbe: {
    handle: (data, context) => runProbe(data.probeId, data.durationMs, context.workerId),
  },
  toolRun: {
    handle: (data) => executeInvocation(data.invocationId, data.workspaceId),
    onGiveUp: (data, reason) => giveUpOnInvocation(data.workspaceId, data.invocationId, reason),
  },
  messageDeliver: {
    handle: (data) => deliverMessage(data.messageId, data.workspaceId),
    onGiveUp: (data, reason) => giveUpOnMessage(data.messageId, data.workspaceId, reason),
  },
} satisfies JobHandlers;

export const findDefinition = bindJobs(handlers);
