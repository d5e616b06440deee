import { Prisma } from "@prisma/client";
import { z } from "zod";
import { authorize, type Actor } from "../auth/actor";
import { getDb } from "../db/client";
import { notFound } from "../lib/errors";
import { pageArgs, toPage, type PageQuery } from "../lib/pagination";
import { diagnosticSchema, invocationInclude, invocationSchema, viewOf, type InvocationView } from "./runs";
import type { Diagnostic } from "./sandbox/types";
import { findLiveTool } from "./tools";

/**
 * A tool's recorded calls. A list carries a bounded preview of each input and output, never
 * the values themselves: each may be up to the output cap (1 MiB by default), and a page of
 * 200 of them would be hundreds of MB. The previews are cut in PostgreSQL, so the full values
 * never leave the database for a list. One invocation, by id, is returned whole.
 */

/** Characters of JSON text a preview keeps. */
export const PREVIEW_CHARS = 500;

export const previewSchema = z.object({
  /** The value's JSON text, cut to PREVIEW_CHARS characters and ending in "…" when cut. */
  json: z.string(),
  /** Size of the whole JSON text in bytes (as PostgreSQL writes it). */
  bytes: z.int(),
  truncated: z.boolean(),
});
export type Preview = z.infer<typeof previewSchema>;

export const invocationSummarySchema = invocationSchema.omit({ input: true, output: true }).extend({
  inputPreview: previewSchema,
  outputPreview: previewSchema.nullable(),
  diagnostic: diagnosticSchema.nullable(),
});
export type InvocationSummary = z.infer<typeof invocationSummarySchema>;

/** Every column but input and output, which only the previews read. */
const select = {
  id: true,
  workspaceId: true,
  toolId: true,
  toolVersionId: true,
  status: true,
  callerType: true,
  callerLabel: true,
  diagnostic: true,
  durationMs: true,
  createdAt: true,
  completedAt: true,
  attempts: true,
  ...invocationInclude,
} as const;

interface PreviewRow {
  id: string;
  input_head: string | null;
  input_bytes: number | null;
  output_head: string | null;
  output_bytes: number | null;
}

function preview(head: string | null, bytes: number | null): Preview | null {
  if (head === null || bytes === null) return null;
  // left() counts characters and bytes counts UTF-8 bytes: a cut shows as a shorter head.
  const truncated = Buffer.byteLength(head, "utf8") < bytes;
  return { json: truncated ? `${head}…` : head, bytes, truncated };
}

/** Diagnostics are bounded by the sandbox; rows written before that are cut here too. */
function boundedDiagnostic(value: unknown): Diagnostic | null {
  const d = value as Diagnostic | null;
  if (!d) return null;
  const clip = (text: string) => (text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text);
  return {
    ...d,
    message: clip(d.message),
    observed: typeof d.observed === "string" ? clip(d.observed) : d.observed,
    limit: typeof d.limit === "string" ? clip(d.limit) : d.limit,
  };
}

export async function listInvocations(actor: Actor, name: string, page: PageQuery) {
  authorize(actor, "tools.view");
  const db = getDb();
  const tool = await findLiveTool(db, actor.workspaceId, name);
  const rows = await db.toolInvocation.findMany({ where: { toolId: tool.id, workspaceId: actor.workspaceId }, select, ...pageArgs(page) });
  const ids = rows.map((r) => r.id);
  const previews = ids.length
    ? await db.$queryRaw<PreviewRow[]>`
        SELECT id,
               left(input::text, ${PREVIEW_CHARS}) AS input_head, octet_length(input::text) AS input_bytes,
               left(output::text, ${PREVIEW_CHARS}) AS output_head, octet_length(output::text) AS output_bytes
        FROM "ToolInvocation" WHERE id IN (${Prisma.join(ids)}) AND ("workspaceId" = ${actor.workspaceId}) IS TRUE`
    : [];
  const byId = new Map(previews.map((p) => [p.id, p]));
  return toPage(rows, page, (row): InvocationSummary => {
    const p = byId.get(row.id);
    const { input: _in, output: _out, ...view } = viewOf({ ...row, input: null, output: null });
    return {
      ...view,
      diagnostic: boundedDiagnostic(row.diagnostic),
      // input is NOT NULL: a row always has its preview (JSON null reads as the text "null").
      inputPreview: preview(p?.input_head ?? "null", p?.input_bytes ?? 4)!,
      outputPreview: preview(p?.output_head ?? null, p?.output_bytes ?? null),
    };
  });
}

/** One invocation of the workspace's tool, whole (its output is within the output cap). */
export async function getInvocation(actor: Actor, name: string, id: string): Promise<InvocationView> {
  authorize(actor, "tools.view");
  const db = getDb();
  const tool = await findLiveTool(db, actor.workspaceId, name);
  const row = await db.toolInvocation.findFirst({
    where: { id, toolId: tool.id, workspaceId: actor.workspaceId },
    include: invocationInclude,
  });
  if (!row) throw notFound(`Invocation "${id}" of tool "${name}"`);
  return viewOf(row);
}
