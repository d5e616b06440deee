import type { RecordedCall, RecordedDelegation, RecordedModelCall, RecordedToolCall, TurnRecorder, TurnRecording } from "./ports";

/**
 * The production recorder: keeps each model call (the messages new since the previous call,
 * the response or error) and each tool call and delegation (input, result) for the reply's
 * `trace.recording`. A model call's request repeats the whole conversation so far, so only
 * what is new is kept: a turn's recording grows with what was said, not with its square.
 *
 * Bounded: strings past `maxValueChars` and arrays past `maxArrayItems` are cut with a
 * marker, and once the recording reaches `maxChars` or `maxCalls` the remaining calls are
 * only counted (a replay then stops at the cut). No key is recorded (a request does not hold
 * one); the stored reply, recording included, is scrubbed of the workspace's secrets by
 * server/messaging/message-rows.ts like every other text a model or a tool wrote.
 */

export interface RecordingLimits {
  maxValueChars: number;
  maxArrayItems: number;
  maxDepth: number;
  /** Rough size of the whole recording as JSON, in characters. */
  maxChars: number;
  maxCalls: number;
}

export const RECORDING_LIMITS: RecordingLimits = {
  maxValueChars: 32_000,
  maxArrayItems: 1_000,
  maxDepth: 32,
  maxChars: 512_000,
  maxCalls: 300,
};

export const cutMarker = (more: number, unit: "characters" | "items") => `…[cut by Caxton: ${more} more ${unit}]`;
export const TOO_DEEP_MARKER = "…[cut by Caxton: nested too deep]";

export interface RecorderOptions {
  limits?: Partial<RecordingLimits>;
}

export function createRecorder(options: RecorderOptions = {}): TurnRecorder {
  const limits = { ...RECORDING_LIMITS, ...options.limits };
  const recording: TurnRecording = { version: 1, tools: [], calls: [] };
  let chars = 0;
  let cutValues = 0;
  let droppedCalls = 0;
  let messagesSeen = 0;

  /** A JSON-safe copy of `value`, cut to the limits; `cut` says whether anything was shortened. */
  const bound = <T>(value: T): { value: T; cut: boolean } => {
    let cut = false;
    const walk = (v: unknown, depth: number): unknown => {
      if (typeof v === "string") {
        if (v.length <= limits.maxValueChars) return v;
        cut = true;
        return v.slice(0, limits.maxValueChars) + cutMarker(v.length - limits.maxValueChars, "characters");
      }
      if (v === null || typeof v !== "object") return v;
      if (depth >= limits.maxDepth) {
        cut = true;
        return TOO_DEEP_MARKER;
      }
      if (Array.isArray(v)) {
        const items = v.slice(0, limits.maxArrayItems).map((item) => walk(item, depth + 1));
        if (v.length > limits.maxArrayItems) {
          cut = true;
          items.push(cutMarker(v.length - limits.maxArrayItems, "items"));
        }
        return items;
      }
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(v)) if (item !== undefined) copy[key] = walk(item, depth + 1);
      return copy;
    };
    const copied = walk(value, 0) as T;
    if (cut) cutValues++;
    return { value: copied, cut };
  };

  /**
   * Keeps a call while the budget lasts (after the first call that does not fit, none); the
   * function returned adds its result when it comes, if that still fits.
   */
  const start = <C extends RecordedCall>(call: C, cut: boolean): ((result: Partial<C>, durationMs: number) => void) => {
    if (cut) call.truncated = true;
    const size = JSON.stringify(call).length;
    if (droppedCalls || recording.calls.length >= limits.maxCalls || chars + size > limits.maxChars) {
      droppedCalls++;
      return () => {};
    }
    chars += size;
    recording.calls.push(call);
    return (result, durationMs) => {
      const bounded = bound(result);
      const resultSize = JSON.stringify(bounded.value).length;
      if (chars + resultSize > limits.maxChars) {
        // Kept as a call under way: a replay stops there rather than answer wrongly.
        call.truncated = true;
        cutValues++;
        return;
      }
      chars += resultSize;
      Object.assign(call, bounded.value, { durationMs: Math.round(durationMs) }, bounded.cut ? { truncated: true } : {});
    };
  };

  return {
    model(request) {
      if (!recording.model) {
        const shared = bound({
          model: request.model,
          system: request.system,
          temperature: request.temperature,
          maxTokens: request.maxTokens,
        });
        const tools = bound(request.tools);
        recording.model = shared.value;
        recording.tools = tools.value;
        chars += JSON.stringify(shared.value).length + JSON.stringify(tools.value).length;
      }
      const from = Math.min(messagesSeen, request.messages.length);
      messagesSeen = request.messages.length;
      const entry = bound({
        from,
        messages: request.messages.slice(from),
        tools: request.tools.map((t) => t.name),
        stream: request.stream === true,
      });
      const finish = start<RecordedModelCall>({ kind: "model", request: entry.value }, entry.cut);
      return (outcome, durationMs) => finish("response" in outcome ? { response: outcome.response } : { error: outcome.error }, durationMs);
    },
    tool(call) {
      const entry = bound(call);
      const finish = start<RecordedToolCall>({ kind: "tool", call: entry.value }, entry.cut);
      return (run, durationMs) => finish({ run }, durationMs);
    },
    delegation(call) {
      const entry = bound(call);
      const finish = start<RecordedDelegation>({ kind: "delegation", call: entry.value }, entry.cut);
      return (answer, durationMs) => finish({ answer }, durationMs);
    },
    // A copy, call by call: a turn that timed out still has calls finishing, which must not change the stored reply.
    recording() {
      return {
        ...recording,
        calls: recording.calls.map((call) => ({ ...call })),
        ...(cutValues || droppedCalls ? { truncated: { values: cutValues, droppedCalls } } : {}),
      };
    },
  };
}
