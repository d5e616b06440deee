import type { AgentConfig } from "../agents/schema";
import { ASK_TOOL } from "./ask";
import { noMemory, systemClock } from "./default-ports";
import type { Clock, HistoryEntry, RecordedCall, RecordedModelCall, TurnPorts, TurnRecording, TurnTool, TurnToolRun } from "./ports";
import { ProviderError } from "./providers/http";
import type { ChatMessage, Completion, CompletionRequest } from "./providers/types";
import { createRecorder } from "./recording";
import { toolInput } from "./turn";

/**
 * Ports that feed a stored turn's answers back: each model call gets its recorded response
 * (or error), each tool call and delegation its recorded result, in the order they were
 * made. What the replayed turn asks is compared with what was recorded; every difference is
 * listed in `divergences` (an edited agent version asks differently: that is the point of
 * replaying it), while the answers stay the recorded ones. A call the recording does not
 * have, or has only cut short, ends the replay with a ReplayError.
 */

export class ReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReplayError";
  }
}

export interface Replay {
  ports: TurnPorts;
  /** Where the replayed turn asked differently from the recorded one. */
  divergences: string[];
  /** Recorded calls the replayed turn has not asked for (yet). */
  unused(): number;
}

/**
 * Postgres keeps a JSON object's keys in an order of its own, so a tool's output read back
 * from a stored recording prints its keys differently: values are compared as JSON values
 * (keys in any order), and so is text that is JSON (a tool result as the model was sent it).
 */
function canonical(value: unknown): unknown {
  if (typeof value === "string" && /^\s*[[{]/.test(value)) {
    try {
      return { json: canonical(JSON.parse(value)) };
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** Errors the turn turns into a FAILURE reply come back as what they were. */
function recordedError(provider: string, error: { name: string; message: string }): Error {
  if (error.name !== "ProviderError" && error.name !== "MockScriptError")
    return Object.assign(new Error(error.message), { name: error.name });
  const replayed = new ProviderError(provider, null, error.message, 1);
  replayed.message = error.message;
  return replayed;
}

export function replayPorts(recording: TurnRecording, options: { history?: HistoryEntry[]; provider?: string } = {}): Replay {
  const divergences: string[] = [];
  const queues = { model: [] as RecordedModelCall[], tool: [] as RecordedCall[], delegation: [] as RecordedCall[] };
  for (const call of recording.calls) {
    if (call.kind === "model") queues.model.push(call);
    else queues[call.kind].push(call);
  }
  const used = { model: 0, tool: 0, delegation: 0 };
  if (recording.truncated?.droppedCalls)
    divergences.push(
      `the recording kept only its first ${recording.calls.length} calls (${recording.truncated.droppedCalls} more were not stored)`,
    );

  // A turn that ran out of time did so during the call after its last recorded one: the
  // replay's clock fires the turn's timer there, and that call never answers.
  const timers = new Set<() => void>();
  const clock: Clock = {
    now: systemClock.now,
    after(ms, fire) {
      timers.add(fire);
      const cancel = systemClock.after(ms, fire);
      return () => (timers.delete(fire), cancel());
    },
  };
  const timeUp = (): Promise<never> => {
    for (const fire of [...timers]) fire();
    return new Promise<never>(() => {});
  };
  const isLast = (call: RecordedCall) => recording.calls.at(-1) === call;

  /** The next recorded call of this kind; null where the recorded turn ran out of time instead. */
  const next = <K extends keyof typeof queues>(kind: K, what: string): (typeof queues)[K][number] | null => {
    const call = queues[kind][used[kind]];
    used[kind] += 1;
    if (!call && recording.timedOut) return null;
    if (!call) throw new ReplayError(`The replayed turn made ${what} number ${used[kind]}, which the recording does not have.`);
    if (call.truncated)
      throw new ReplayError(
        `${what} number ${used[kind]} was cut short when recorded (too big to store whole); it cannot be replayed exactly.`,
      );
    return call;
  };

  // What each recorded model call was asked, rebuilt from the messages each one added.
  const asked: ChatMessage[] = [];
  const complete = async (request: CompletionRequest): Promise<Completion> => {
    const call = next("model", "model call");
    if (!call) return timeUp();
    asked.splice(call.request.from, Infinity, ...call.request.messages);
    const n = used.model;
    if (!same(request.messages, asked)) divergences.push(`model call ${n}: the messages differ from the recorded ones`);
    if (
      !same(
        request.tools.map((t) => t.name),
        call.request.tools,
      )
    )
      divergences.push(
        `model call ${n}: tools offered ${request.tools.map((t) => t.name).join(", ") || "none"}, recorded ${call.request.tools.join(", ") || "none"}`,
      );
    const shared = recording.model;
    if (
      shared &&
      !same({ model: request.model, system: request.system, temperature: request.temperature, maxTokens: request.maxTokens }, shared)
    )
      divergences.push(`model call ${n}: the model or its parameters differ from the recorded ones`);
    // The last call of a turn that ran out of time failed with the abort, or never finished.
    if ((call.error || !call.response) && recording.timedOut && isLast(call)) return timeUp();
    if (call.error) throw recordedError(options.provider ?? "model", call.error);
    if (!call.response) throw new ReplayError(`model call ${n} has neither a response nor an error in the recording.`);
    for (const piece of call.response.text ? [call.response.text] : []) request.onText?.(piece);
    return call.response;
  };

  const offered = new Map(recording.tools.map((t) => [t.name, t]));
  const ports: TurnPorts = {
    model: { open: () => ({ complete }) },
    tools: {
      find: async (names) =>
        names.map((name): TurnTool | null => {
          const spec = offered.get(name);
          return spec
            ? { id: `replay:${name}`, versionId: `replay:${name}`, name, description: spec.description, inputSchema: spec.parameters }
            : null;
        }),
      run: async (tool, input) => {
        const call = next("tool", "tool call");
        if (!call) return timeUp();
        if (call.kind !== "tool") throw new ReplayError("unreachable");
        if (!call.run) {
          if (recording.timedOut && isLast(call)) return timeUp();
          throw new ReplayError(`tool call ${used.tool} has no result in the recording.`);
        }
        if (call.call.name !== tool.name || !same(call.call.arguments, input))
          divergences.push(
            `tool call ${used.tool}: ran ${tool.name} with ${JSON.stringify(input)}, recorded ${call.call.name} with ${JSON.stringify(call.call.arguments)}`,
          );
        return call.run;
      },
    },
    delegation:
      offered.get(ASK_TOOL.name)?.description === ASK_TOOL.description
        ? {
            ask: async (capability, content) => {
              const call = next("delegation", "delegation");
              if (!call) return timeUp();
              if (call.kind !== "delegation") throw new ReplayError("unreachable");
              if (!call.answer) {
                if (recording.timedOut && isLast(call)) return timeUp();
                throw new ReplayError(`delegation ${used.delegation} has no answer in the recording.`);
              }
              if (!same({ capability, request: content }, call.call.arguments))
                divergences.push(
                  `delegation ${used.delegation}: asked ${capability} ${JSON.stringify(content)}, recorded ${JSON.stringify(call.call.arguments)}`,
                );
              return call.answer;
            },
          }
        : null,
    drafts: queues.model.some((c) => c.request.stream) ? { open: () => ({ append() {}, nextStep() {}, close: async () => {} }) } : null,
    history: { earlier: async () => options.history ?? [] },
    // The key is never recorded, and a replayed model needs none.
    secrets: { read: async () => "replayed-turns-need-no-key" },
    memory: noMemory,
    clock,
    recorder: createRecorder(),
  };
  return {
    ports,
    divergences,
    unused: () => queues.model.length - used.model + queues.tool.length - used.tool + queues.delegation.length - used.delegation,
  };
}

/**
 * The recording of a stored reply. An LLM agent's reply carries it in `trace.recording`. A
 * tool agent's turn is one call of its `[handler]` tool on the request's content, and its
 * reply is the record of it: the output as the content, or the diagnostic of the failure.
 */
export function recordingOfReply(
  reply: { performative: string; content: unknown; trace: unknown },
  request: { content: unknown },
  config: AgentConfig,
): TurnRecording {
  const stored = (reply.trace as { recording?: TurnRecording } | null)?.recording;
  if (stored) return stored;
  const empty: TurnRecording = { version: 1, tools: [], calls: [] };
  if (!config.handler) return empty;
  const content = reply.content as { reason?: string; diagnostic?: unknown; invocationId?: string } | null;
  if (reply.performative === "FAILURE" && typeof content?.reason === "string" && content.reason.endsWith("which is not in this workspace."))
    return empty;
  const run: TurnToolRun =
    reply.performative === "INFORM"
      ? { ok: true, output: reply.content, invocationId: "" }
      : content?.invocationId
        ? { ok: false, diagnostic: content.diagnostic ?? null, invocationId: content.invocationId, message: "" }
        : { ok: false, diagnostic: null, invocationId: null, message: content?.reason ?? "" };
  const name = config.handler.tool;
  return {
    version: 1,
    tools: [{ name, description: "", parameters: {} }],
    calls: [
      { kind: "tool", call: { id: "handler", name, arguments: toolInput(request.content) as Record<string, unknown> }, run, durationMs: 0 },
    ],
  };
}
