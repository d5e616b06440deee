import { randomUUID } from "node:crypto";
import { getDb } from "../db/client";
import { jobs } from "../queue/jobs";
import { enqueue } from "../queue/queues";

/**
 * A queue round trip: the web process records a ProbeRun and enqueues it; a worker
 * marks it running, optionally works for `durationMs`, and marks it completed. Proves the
 * whole path (web -> Redis -> worker -> Postgres) and measures it.
 */
export interface ProbeView {
  id: string;
  status: "queued" | "running" | "completed";
  durationMs: number;
  workerId: string | null;
  /** ISO 8601; dates travel as strings over JSON. */
  createdAt: string;
  completedAt: string | null;
  roundTripMs: number | null;
}

const toView = (row: {
  id: string;
  status: ProbeView["status"];
  durationMs: number;
  workerId: string | null;
  createdAt: Date;
  completedAt: Date | null;
}): ProbeView => ({
  id: row.id,
  status: row.status,
  durationMs: row.durationMs,
  workerId: row.workerId,
  createdAt: row.createdAt.toISOString(),
  completedAt: row.completedAt?.toISOString() ?? null,
  roundTripMs: row.completedAt ? row.completedAt.getTime() - row.createdAt.getTime() : null,
});

/** Longest a probe may keep a worker busy: enough to watch a job run (and drain on shutdown). */
export const MAX_PROBE_DURATION_MS = 5_000;
/** Probes one user may start per minute. */
export const PROBES_PER_MINUTE = 10;

export async function startProbe(durationMs = 0): Promise<ProbeView> {
  const row = await getDb().probeRun.create({ data: { id: randomUUID(), durationMs } });
  await enqueue(jobs.systemProbe, { probeId: row.id, durationMs }, row.id);
  return toView(row);
}

export async function getProbe(id: string): Promise<ProbeView | null> {
  const row = await getDb().probeRun.findUnique({ where: { id } });
  return row ? toView(row) : null;
}

export async function runProbe(probeId: string, durationMs: number, workerId: string): Promise<void> {
  const db = getDb();
  // A redelivered job whose probe already completed changes nothing.
  const started = await db.probeRun.updateMany({
    where: { id: probeId, status: { not: "completed" } },
    data: { status: "running", startedAt: new Date(), workerId },
  });
  if (started.count === 0) return;
  if (durationMs > 0) await new Promise((resolve) => setTimeout(resolve, durationMs));
  await db.probeRun.updateMany({
    where: { id: probeId, status: "running" },
    data: { status: "completed", completedAt: new Date() },
  });
}
