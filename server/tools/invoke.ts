import { NOW_UTC, sql } from "../db/sql";
import { AppError } from "../lib/errors";
import { limitWith } from "../quotas/quotas";
import { addToolMs, secondsUntilUtcMidnight, toolMsToday } from "../quotas/tool-time";
import { workspaceRedactor } from "../secrets/values";
import type { Diagnostic } from "./sandbox/types";

/**
 * What every tool call goes through, whoever makes it: a direct run (REST, tRPC, MCP, CLI:
 * runs.ts records it, a worker runs it from its job, execute.ts) and an agent's call (a tool
 * agent's or a model's, run in the worker by agent-tools.ts). One quota decision with one
 * message, one way of writing the invocation row, one metering of the tool's time.
 * Loads no sandbox: the web process records and refuses runs here too.
 */

export interface Caller {
  type: "user" | "token" | "mcp" | "agent";
  label: string;
}

/** Why a run is refused for the day's tool time, in the words every caller shows. */
export interface ToolTimeRefusal {
  message: string;
  hint: string;
  limit: number;
  used: number;
  retryAfterS: number;
}

/**
 * The day's tool-time quota, decided once for every caller: null while the workspace has time
 * left. `overrides`: the workspace's quota overrides when already in hand (an API token's, a
 * delivery's), so no statement is needed to read the limit.
 */
export async function toolTimeRefusal(
  workspaceId: string,
  overrides?: Record<string, number>,
  now = Date.now(),
): Promise<ToolTimeRefusal | null> {
  const [limit, used] = await Promise.all([limitWith(overrides, workspaceId, "tool_cpu_ms_per_day"), toolMsToday(workspaceId, now)]);
  if (used < limit) return null;
  const retryAfterS = secondsUntilUtcMidnight(now);
  return {
    message: `This workspace has used its ${limit} ms of tool run time for today (quota "tool_cpu_ms_per_day"; used ${used} ms).`,
    hint: `It resets at 00:00 UTC (in ${Math.ceil(retryAfterS / 60)} min), or the workspace owner can raise it under Settings → Usage.`,
    limit,
    used,
    retryAfterS,
  };
}

/** A refusal as a person's run answers it: 409 quota_exceeded, with when it resets. */
export const toolTimeError = (refusal: ToolTimeRefusal) =>
  new AppError("quota_exceeded", refusal.message, {
    details: { quota: "tool_cpu_ms_per_day", limit: refusal.limit, used: refusal.used },
    hint: refusal.hint,
    retryAfterS: refusal.retryAfterS,
  });

/** A refusal as an agent sees it: a diagnostic like any failed run's. */
export const toolTimeDiagnostic = (refusal: ToolTimeRefusal): Diagnostic => ({
  kind: "quota_exceeded",
  limit: refusal.limit,
  observed: refusal.used,
  message: `${refusal.message} ${refusal.hint}`,
});

/** How a run ended; durationMs is null when the tool never ran (a quarantined version, a run given up). */
export type RunResult =
  { ok: true; output: unknown; durationMs: number } | { ok: false; diagnostic: Diagnostic; durationMs: number | null };

export interface InvocationRecord {
  id: string;
  workspaceId: string;
  toolId: string;
  toolVersionId: string;
  caller: Caller;
  input: unknown;
  /** null: recorded queued, before its job is enqueued (a direct run). */
  result: RunResult | null;
  /** Workers that began the run (the row counts them; 0 when none did). */
  attempts: number;
}

const json = (value: unknown) => JSON.stringify(value ?? null);

/**
 * Writes an invocation row, the same way for every caller, in one statement: a new row
 * (queued, or finished at once as an agent's call is), or the result of a queued one (a
 * direct run's, by the worker that ran it; its caller and input stay as they were recorded).
 * A row already finished is left alone (a redelivered job): answers whether this call wrote it.
 *
 * What an agent passed and got back is scrubbed of the workspace's secrets, like a reply: a
 * model (or a vendor posing as one) wrote the arguments. A person's run is stored as they
 * sent it, as their messages are.
 */
export async function recordInvocation(record: InvocationRecord): Promise<boolean> {
  const { result } = record;
  const scrub = record.caller.type === "agent" ? (await workspaceRedactor(record.workspaceId)).json : <T>(value: T) => value;
  const rows = await sql<{ id: string }>(
    `INSERT INTO "ToolInvocation" (id, "workspaceId", "toolId", "toolVersionId", status, "callerType", "callerLabel", input, output, diagnostic, "durationMs", attempts, "createdAt", "completedAt")
     VALUES ($1, $2, $3, $4, $5::text::"InvocationStatus", $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12, ${NOW_UTC}, CASE WHEN $5::text = 'queued' THEN NULL ELSE ${NOW_UTC} END)
     ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, output = EXCLUDED.output, diagnostic = EXCLUDED.diagnostic, "durationMs" = EXCLUDED."durationMs", "completedAt" = EXCLUDED."completedAt"
       WHERE "ToolInvocation".status = 'queued' AND EXCLUDED.status <> 'queued' AND "ToolInvocation"."workspaceId" = EXCLUDED."workspaceId"
     RETURNING id`,
    [
      record.id,
      record.workspaceId,
      record.toolId,
      record.toolVersionId,
      result === null ? "queued" : result.ok ? "ok" : "failed",
      record.caller.type,
      record.caller.label,
      json(scrub(record.input ?? null)),
      result?.ok ? json(scrub(result.output ?? null)) : null,
      result && !result.ok ? json(scrub(result.diagnostic)) : null,
      result?.durationMs === null || result?.durationMs === undefined ? null : Math.round(result.durationMs),
      record.attempts,
    ],
  );
  return rows.length === 1;
}

/**
 * The end of a run, whoever called: its result written, and its time added to the workspace's
 * day once (only by the call that wrote the result, so a run recorded twice is metered once).
 */
export async function finishInvocation(record: InvocationRecord & { result: RunResult }): Promise<boolean> {
  const written = await recordInvocation(record);
  if (written && record.result.durationMs) await addToolMs(record.workspaceId, record.result.durationMs);
  return written;
}
