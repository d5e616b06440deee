/** What the server says about a refused upload (tRPC error data `details` of invalid_tool). */
interface InvalidToolDetails {
  problems?: { severity: "error" | "warning"; line: number; column: number; message: string }[];
  moduleProblems?: { code: string; message: string }[];
}

export interface UploadProblemLine {
  where: string;
  message: string;
}

/** Every reason a bundle was refused, as `manifest line:col message` and `module: message` lines. */
export function uploadProblemLines(error: { data?: unknown } | null | undefined): UploadProblemLine[] {
  const details = (error?.data as { details?: InvalidToolDetails } | undefined)?.details;
  if (!details) return [];
  const manifest = (details.problems ?? [])
    .filter((p) => p.severity === "error")
    // The message already names the closest known key ("Did you mean …?").
    .map((p) => ({ where: `manifest ${p.line}:${p.column}`, message: p.message }));
  const module = (details.moduleProblems ?? []).map((p) => ({ where: "module:", message: p.message }));
  return [...manifest, ...module];
}
