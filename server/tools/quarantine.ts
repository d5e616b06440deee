import { getConfig } from "../config/load";
import { NOW_UTC, sql } from "../db/sql";
import { createLogger } from "../observability/logger";
import { announceIndexChanged } from "../routing/index-cache";
import type { Diagnostic } from "./sandbox/types";

/**
 * A tool version whose runs keep breaching their limits (a deadline, the memory cap, a worker
 * killed or wedged mid-run) is quarantined: recorded on the version, so every worker and the
 * web process refuse it, until a new version is uploaded (a new version starts clean).
 */

const logger = createLogger("tools");

/** Diagnostics that mean the tool's code had to be stopped, not that it answered badly. */
export const isBreach = (diagnostic: Diagnostic) =>
  diagnostic.kind === "timeout" || diagnostic.kind === "memory" || diagnostic.kind === "worker_lost";

export interface QuarantineState {
  quarantinedAt: Date | null;
  quarantineReason: string | null;
  breaches: number;
}

/** The refusal every caller gets for a quarantined version: why, and what lifts it. */
export function quarantinedDiagnostic(toolName: string, version: QuarantineState): Diagnostic {
  return {
    kind: "quarantined",
    limit: getConfig().toolQuarantineBreaches,
    observed: version.breaches,
    message:
      `Tool "${toolName}" is quarantined since ${version.quarantinedAt?.toISOString() ?? "now"}: ` +
      `${version.quarantineReason ?? "its runs kept breaching their limits"}. Its runs are refused; upload a new version of the tool to lift the quarantine.`,
  };
}

const windowWords = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);

/**
 * Counts one breach against the version (a new window starts when the last one is over) and
 * quarantines it once the count reaches the limit. Answers the version's state afterwards.
 */
export async function recordBreach(workspaceId: string, versionId: string, diagnostic: Diagnostic): Promise<QuarantineState | null> {
  const { toolQuarantineBreaches: limit, toolQuarantineWindowMs: windowMs } = getConfig();
  const fresh = `"breachWindowAt" IS NULL OR "breachWindowAt" < ${NOW_UTC} - make_interval(secs => $2::float8 / 1000)`;
  const [row] = await sql<QuarantineState & { workspaceId: string; toolName: string }>(
    `UPDATE "ToolVersion" SET
       breaches = CASE WHEN ${fresh} THEN 1 ELSE breaches + 1 END,
       "breachWindowAt" = CASE WHEN ${fresh} THEN ${NOW_UTC} ELSE "breachWindowAt" END
     WHERE id = $1 AND ("workspaceId" = $3) IS TRUE
     RETURNING breaches, "quarantinedAt", "quarantineReason", "workspaceId", manifest->>'name' AS "toolName"`,
    [versionId, windowMs, workspaceId],
  );
  if (!row || row.quarantinedAt || row.breaches < limit) return row ?? null;
  const reason = `${row.breaches} of its runs breached their limits within ${windowWords(windowMs)} (the last: ${diagnostic.kind}, ${diagnostic.message})`;
  const [quarantined] = await sql<QuarantineState>(
    `UPDATE "ToolVersion" SET "quarantinedAt" = ${NOW_UTC}, "quarantineReason" = $2 WHERE id = $1 AND ("workspaceId" = $3) IS TRUE AND "quarantinedAt" IS NULL
     RETURNING breaches, "quarantinedAt", "quarantineReason"`,
    [versionId, reason.slice(0, 1_000), workspaceId],
  );
  if (!quarantined) return row;
  logger.warn({ event: "tool quarantined", tool: row.toolName, versionId, breaches: row.breaches }, "tool version quarantined");
  // Tool agents read their tool from the workspace index: drop it everywhere so they see this.
  await announceIndexChanged(row.workspaceId).catch(() => {});
  return quarantined;
}

/** How long a worker trusts what it last read about a version's quarantine. */
const STATE_TTL_MS = 2_000;
const known = new Map<string, { state: QuarantineState; readAt: number }>();

/** The version's quarantine, read at most every STATE_TTL_MS per worker (tool agents call tools on every message). */
export async function quarantineOf(workspaceId: string, versionId: string, now = Date.now()): Promise<QuarantineState | null> {
  const cached = known.get(versionId);
  if (cached && (cached.state.quarantinedAt || now - cached.readAt < STATE_TTL_MS)) return cached.state;
  const [row] = await sql<QuarantineState>(
    `SELECT breaches, "quarantinedAt", "quarantineReason" FROM "ToolVersion" WHERE id = $1 AND ("workspaceId" = $2) IS TRUE`,
    [versionId, workspaceId],
  );
  if (!row) return null;
  remember(versionId, row, now);
  return row;
}

export function remember(versionId: string, state: QuarantineState, now = Date.now()) {
  if (known.size >= 2_000) known.delete(known.keys().next().value!);
  known.set(versionId, { state, readAt: now });
}
