import type { ProcessState } from "./supervised";

/**
 * What the supervisor tells its web process about the processes it keeps running, so health
 * can say "the worker is being restarted" (the web process cannot see its sibling). Kept on
 * globalThis: route handlers live in Next's bundle, a separate copy of this module.
 */
export interface SupervisorReport {
  processes: ProcessState[];
}

export interface SupervisorMessage {
  event: "supervisor";
  report: SupervisorReport;
}

const slot = Symbol.for("caxton.supervisorReport");
type Holder = { [slot]?: SupervisorReport };

export function isSupervisorMessage(message: unknown): message is SupervisorMessage {
  return typeof message === "object" && message !== null && (message as { event?: unknown }).event === "supervisor";
}

export function setSupervisorReport(report: SupervisorReport): void {
  (globalThis as Holder)[slot] = report;
}

/** The latest report, or null when this process does not run under `caxton serve`. */
export function getSupervisorReport(): SupervisorReport | null {
  return (globalThis as Holder)[slot] ?? null;
}
