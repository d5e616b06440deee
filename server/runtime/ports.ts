import type { Prisma } from "@prisma/client";
import type { AgentConfig } from "../agents/schema";
import type { ChatMessage, Completion, CompletionRequest, LlmProvider, ToolCall, ToolSpec } from "./providers/types";

/**
 * The seam every capability plugs into: `runTurn(turn, ports)` (turn.ts) reaches the rest of
 * the platform only through these ports. The worker's production ports are built by
 * server/messaging/turn-ports.ts from today's services; a test builds scripted ones (no
 * database, queue or network), a replay builds them from a stored recording (replay.ts).
 */

/** The agent taking the turn: any version of it, as parsed from its document. */
export interface TurnAgent {
  agentName: string;
  config: AgentConfig;
}

export interface Turn {
  agent: TurnAgent;
  /** The request's content: text, or a JSON object. */
  content: unknown;
}

export interface TurnResult {
  performative: "INFORM" | "FAILURE";
  content: Prisma.InputJsonValue;
  /** LLM agents: { provider, model, steps, usage, recording }, stored on the reply. */
  trace?: Prisma.InputJsonValue;
}

/** One step of an LLM turn as the reply's trace shows it: a tool run or an `ask`. */
export interface TraceStep {
  tool: string;
  input: unknown;
  output?: unknown;
  diagnostic?: unknown;
  invocationId?: string | null;
}

export type LlmConfig = NonNullable<AgentConfig["llm"]>;

/** What the model port needs to open the agent's model for this turn. */
export interface ModelSpec {
  llm: LlmConfig;
  /** The key read through the secrets port; it reaches the provider and nothing else. */
  apiKey?: string;
  agentName: string;
  /** The request as text (the scripted `mock` provider fills `{{request}}` with it). */
  request: string;
}

/** The model: the provider an agent's `[llm]` table names (production: providers/). */
export interface ModelPort {
  open(spec: ModelSpec): LlmProvider;
}

/**
 * A workspace tool as a turn sees it. Declared here rather than taken from agent-tools.ts
 * (the production adapter, which loads the sandbox) so that importing the ports loads
 * nothing; turn-ports.ts checks that the adapter fits.
 */
export interface TurnTool {
  id: string;
  name: string;
  versionId: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export type TurnToolRun =
  { ok: true; output: unknown; invocationId: string } | { ok: false; diagnostic: unknown; invocationId: string | null; message: string };

/** The workspace tools an agent may call. */
export interface ToolsPort {
  /** The live tools of these names, null where there is none. */
  find(names: string[]): Promise<(TurnTool | null)[]>;
  /** One recorded run of a tool; a failure is a result, not an exception. */
  run(tool: TurnTool, input: unknown, signal: AbortSignal): Promise<TurnToolRun>;
}

export type Delegation = { ok: true; content: unknown; agent: string } | { ok: false; reason: string };

/** The built-in `ask`: another capability of the workspace, asked one level deeper. */
export interface DelegationPort {
  ask(capability: string, content: unknown, options: { timeoutMs: number; signal: AbortSignal }): Promise<Delegation>;
}

/** The reply an LLM agent is writing, shown while it streams (production: Redis draft events). */
export interface DraftWriter {
  /** A piece of text the model just wrote. */
  append(delta: string): void;
  /** A new model call starts: the draft starts over (the previous step's text led to tool calls). */
  nextStep(): void;
  /**
   * Stops the draft; appends after this are ignored. `publishPending: false` drops text not
   * yet published (a turn that failed: its half-written text must not look like an answer).
   */
  close(options?: { publishPending?: boolean }): Promise<void>;
}

export interface DraftsPort {
  open(): DraftWriter;
}

export interface HistoryEntry {
  senderLabel: string;
  performative: string;
  content: unknown;
}

/** The conversation before the request, oldest first (`{{context}}`). */
export interface HistoryPort {
  earlier(): Promise<HistoryEntry[]>;
}

export interface SecretsPort {
  /** A workspace secret's value, null when the workspace has none of that name. */
  read(name: string): Promise<string | null>;
}

/** Long-term memory (`{{memory}}`); empty until memory lands. */
export interface MemoryPort {
  recall(query: string): Promise<string>;
}

export interface Clock {
  now(): number;
  /** Calls `fire` after `ms`; the function returned cancels it. */
  after(ms: number, fire: () => void): () => void;
}

/** A model request as the provider got it, without the signal and the stream callback. */
export type RecordedRequest = Omit<CompletionRequest, "signal" | "onText">;
export type ModelOutcome = { response: Completion } | { error: { name: string; message: string } };

/**
 * What a turn's reply stores of its calls (`trace.recording`), enough for a replay to feed
 * every answer back through the ports (replay.ts). Bounded by recording.ts: a value too big
 * is cut with a marker, calls past the budget are only counted, and such a call is marked
 * `truncated`. It holds no key: the API key is not part of a request (nor are headers), and
 * the stored reply, recording included, is scrubbed of the workspace's secrets like any text
 * a model or a tool wrote (server/messaging/message-rows.ts).
 */
export interface TurnRecording {
  version: 1;
  /** The parameters every model call of the turn shares (absent when the model was never called). */
  model?: { model: string; system: string; temperature?: number; maxTokens?: number };
  /** The tools offered to the model, `ask` included when it was. */
  tools: ToolSpec[];
  calls: RecordedCall[];
  /** Present when anything was cut: how many values were shortened and how many calls dropped. */
  truncated?: { values: number; droppedCalls: number };
  /**
   * The turn ended at `[limits] timeout_ms`, during the call after these (or during the
   * last one, which then has no result).
   */
  timedOut?: true;
}

export type RecordedCall = RecordedModelCall | RecordedToolCall | RecordedDelegation;

export interface RecordedModelCall {
  kind: "model";
  /** The request: the messages added since the previous model call (all, for the first), after `from` earlier ones. */
  request: { from: number; messages: ChatMessage[]; tools: string[]; stream: boolean };
  /** Neither: the call was still under way when the turn ended. */
  response?: Completion;
  error?: { name: string; message: string };
  durationMs?: number;
  truncated?: true;
}

export interface RecordedToolCall {
  kind: "tool";
  call: ToolCall;
  /** Absent: the run was still under way when the turn ended. */
  run?: TurnToolRun;
  durationMs?: number;
  truncated?: true;
}

export interface RecordedDelegation {
  kind: "delegation";
  call: ToolCall;
  /** Absent: the answer was still awaited when the turn ended. */
  answer?: Delegation;
  durationMs?: number;
  truncated?: true;
}

/**
 * Hears every model and tool call of the turn as it starts, and its result through the
 * function returned; what it keeps is stored with the reply.
 */
export interface TurnRecorder {
  model(request: RecordedRequest): (outcome: ModelOutcome, durationMs: number) => void;
  tool(call: ToolCall): (run: TurnToolRun, durationMs: number) => void;
  delegation(call: ToolCall): (answer: Delegation, durationMs: number) => void;
  recording(): TurnRecording;
}

export interface TurnPorts {
  model: ModelPort;
  tools: ToolsPort;
  /** null when the turn has no stored request to delegate from: `ask` is not offered. */
  delegation: DelegationPort | null;
  /** null when there is nowhere to show a draft: the turn does not stream. */
  drafts: DraftsPort | null;
  history: HistoryPort;
  secrets: SecretsPort;
  memory: MemoryPort;
  clock: Clock;
  recorder: TurnRecorder;
}
