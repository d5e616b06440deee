import { createHash } from "node:crypto";
import { z } from "zod";
import { Prisma } from "@prisma/client";
import { audit } from "../audit/audit";
import { authorize, type Actor } from "../auth/actor";
import { getDb } from "../db/client";
import { retryOnUniqueRace } from "../db/retry";
import { problemSchema, type Problem } from "../documents/problems";
import type { DocumentFormat } from "../documents/read";
import { AppError, notFound } from "../lib/errors";
import { pageArgs, toPage, type PageQuery } from "../lib/pagination";
import { announceIndexChanged } from "../routing/index-cache";
import { validateToolManifest, type ToolManifest } from "./manifest";
import { createLogger } from "../observability/logger";
import { inspectModule } from "./inspect";
import { listSampleTools, type SampleTool } from "./samples";
import type { ModuleProblem } from "./sandbox/types";

/**
 * The tool registry of a workspace: a tool is a name pointing at its active immutable
 * version (manifest + module). Uploading identical content changes nothing.
 */

/** Set when the version's runs kept breaching their limits: runs are refused until a new version is uploaded. */
export const quarantineSchema = z.object({ since: z.string(), reason: z.string(), breaches: z.int() }).nullable();

const quarantineOf = (version: VersionRow | null) =>
  version?.quarantinedAt
    ? {
        since: version.quarantinedAt.toISOString(),
        reason: version.quarantineReason ?? "its runs kept breaching their limits",
        breaches: version.breaches,
      }
    : null;

export const toolVersionSchema = z.object({
  number: z.int(),
  semver: z.string(),
  kind: z.enum(["wasm", "js"]),
  moduleBytes: z.int(),
  contentHash: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  active: z.boolean(),
  quarantine: quarantineSchema,
});

export const toolSummarySchema = z.object({
  name: z.string(),
  description: z.string(),
  kind: z.enum(["wasm", "js"]),
  sample: z.boolean(),
  activeVersion: z.object({ number: z.int(), semver: z.string() }).nullable(),
  versionCount: z.int(),
  /** The active version's quarantine. */
  quarantine: quarantineSchema,
  hints: z.object({ readOnly: z.boolean(), destructive: z.boolean() }),
  createdAt: z.string(),
});

export const toolDetailSchema = toolSummarySchema.extend({ manifest: z.record(z.string(), z.unknown()), manifestSource: z.string() });

export const uploadResultSchema = z.object({
  outcome: z.enum(["created", "updated", "unchanged", "reactivated"]),
  tool: toolDetailSchema,
  version: toolVersionSchema,
  warnings: z.array(problemSchema),
});
export type UploadResult = z.infer<typeof uploadResultSchema>;

export interface ToolUpload {
  manifest: string | Uint8Array;
  format: DocumentFormat;
  module: Uint8Array;
}

const logger = createLogger("tools");

type ToolRow = Prisma.ToolGetPayload<{ include: { activeVersion: true; _count: { select: { versions: true } } } }>;
type VersionRow = Prisma.ToolVersionGetPayload<object>;
const withActive = { activeVersion: true, _count: { select: { versions: true } } } as const;

const manifestOf = (version: VersionRow | null) => (version?.manifest ?? {}) as Partial<ToolManifest>;

function summaryOf(tool: ToolRow) {
  const manifest = manifestOf(tool.activeVersion);
  return {
    name: tool.name,
    description: manifest.description ?? "",
    kind: tool.activeVersion?.kind ?? "wasm",
    sample: tool.sample,
    activeVersion: tool.activeVersion ? { number: tool.activeVersion.number, semver: tool.activeVersion.semver } : null,
    versionCount: tool._count.versions,
    quarantine: quarantineOf(tool.activeVersion),
    hints: { readOnly: manifest.hints?.readOnly ?? false, destructive: manifest.hints?.destructive ?? false },
    createdAt: tool.createdAt.toISOString(),
  };
}

const detailOf = (tool: ToolRow) => ({
  ...summaryOf(tool),
  manifest: manifestOf(tool.activeVersion) as Record<string, unknown>,
  manifestSource: tool.activeVersion?.manifestSource ?? "",
});

const versionOf = (version: VersionRow, activeVersionId: string | null) => ({
  number: version.number,
  semver: version.semver,
  kind: version.kind,
  moduleBytes: version.module.length,
  contentHash: version.contentHash,
  createdBy: version.createdBy,
  createdAt: version.createdAt.toISOString(),
  active: version.id === activeVersionId,
  quarantine: quarantineOf(version),
});

/** The 422 for a manifest or module that cannot be accepted, with every reason. */
export function invalidTool(problems: Problem[], moduleProblems: ModuleProblem[] = []): AppError {
  const errors = problems.filter((p) => p.severity === "error");
  const first = errors[0] ? `manifest line ${errors[0].line}:${errors[0].column}: ${errors[0].message}` : moduleProblems[0]?.message;
  const count = errors.length + moduleProblems.length;
  return new AppError("invalid_tool", `The tool cannot be accepted (${count} problem${count === 1 ? "" : "s"}); first, ${first}`, {
    details: { problems, moduleProblems },
    hint: "Fix each problem and upload again.",
  });
}

export async function findLiveTool(db: Prisma.TransactionClient, workspaceId: string, name: string): Promise<ToolRow> {
  const tool = await db.tool.findFirst({ where: { workspaceId, liveName: name }, include: withActive });
  if (!tool) throw notFound(`Tool "${name}"`);
  return tool;
}

/** Checks a bundle without storing it: the manifest, then the module against it. */
export function checkUpload(upload: ToolUpload): { manifest: ToolManifest; text: string; warnings: Problem[] } {
  const validation = validateToolManifest(upload.manifest, upload.format);
  if (!validation.ok) throw invalidTool(validation.problems);
  const moduleProblems = inspectModule(validation.manifest, upload.module);
  if (moduleProblems.length) throw invalidTool([], moduleProblems);
  return { manifest: validation.manifest, text: validation.text, warnings: validation.problems };
}

/** Validates and stores a bundle as the active version of the tool it names. */
export async function uploadTool(actor: Actor, upload: ToolUpload, options: { sample?: boolean } = {}): Promise<UploadResult> {
  authorize(actor, "tools.write");
  const { manifest, text, warnings } = checkUpload(upload);
  const hash = createHash("sha256").update(text.replace(/\r\n/g, "\n")).update("\0").update(upload.module).digest("hex");
  const store = async (tx: Prisma.TransactionClient): Promise<UploadResult> => {
    const existing = await tx.tool.findFirst({ where: { workspaceId: actor.workspaceId, liveName: manifest.name }, include: withActive });
    if (existing?.activeVersion?.contentHash === hash) {
      return {
        outcome: "unchanged",
        tool: detailOf(existing),
        version: versionOf(existing.activeVersion, existing.activeVersionId),
        warnings,
      };
    }
    const tool =
      existing ??
      (await tx.tool.create({
        data: { workspaceId: actor.workspaceId, name: manifest.name, liveName: manifest.name, sample: options.sample ?? false },
        include: withActive,
      }));
    const same = existing
      ? await tx.toolVersion.findFirst({ where: { toolId: tool.id, contentHash: hash }, orderBy: { number: "desc" } })
      : null;
    const last = await tx.toolVersion.findFirst({ where: { toolId: tool.id }, orderBy: { number: "desc" }, select: { number: true } });
    const version =
      same ??
      (await tx.toolVersion.create({
        data: {
          toolId: tool.id,
          workspaceId: actor.workspaceId,
          number: (last?.number ?? 0) + 1,
          semver: manifest.version,
          kind: manifest.kind,
          manifest: manifest as unknown as Prisma.InputJsonValue,
          manifestSource: text,
          module: new Uint8Array(upload.module),
          contentHash: hash,
          createdById: actor.userId,
          createdBy: actor.label,
        },
      }));
    const active = await tx.tool.update({ where: { id: tool.id }, data: { activeVersionId: version.id }, include: withActive });
    const outcome = !existing ? "created" : same ? "reactivated" : "updated";
    // Samples come with the workspace (its creation is audited), not from anyone's upload.
    if (!options.sample)
      await audit(
        actor,
        {
          action: "tool.uploaded",
          workspaceId: actor.workspaceId,
          targetType: "tool",
          targetId: manifest.name,
          data: { outcome, version: version.number, kind: manifest.kind, bytes: upload.module.length },
        },
        tx,
      );
    return { outcome, tool: detailOf(active), version: versionOf(version, version.id), warnings };
  };
  // Two uploads of a new name can race on the unique key: the loser runs once more.
  const result = await retryOnUniqueRace(() => getDb().$transaction(store));
  if (result.outcome !== "unchanged") await announceIndexChanged(actor.workspaceId);
  return result;
}

export async function listTools(actor: Actor, page: PageQuery) {
  authorize(actor, "tools.view");
  const rows = await getDb().tool.findMany({
    where: { workspaceId: actor.workspaceId, deletedAt: null },
    include: withActive,
    ...pageArgs(page, { name: "asc" as const }),
  });
  return toPage(rows, page, summaryOf);
}

export async function getTool(actor: Actor, name: string) {
  authorize(actor, "tools.view");
  return detailOf(await findLiveTool(getDb(), actor.workspaceId, name));
}

export async function listToolVersions(actor: Actor, name: string, page: PageQuery) {
  authorize(actor, "tools.view");
  const tool = await findLiveTool(getDb(), actor.workspaceId, name);
  const rows = await getDb().toolVersion.findMany({ where: { toolId: tool.id }, ...pageArgs(page, { number: "desc" as const }) });
  return toPage(rows, page, (row) => versionOf(row, tool.activeVersionId));
}

/** Soft delete: versions and invocations stay; the name is free again. */
export async function deleteTool(actor: Actor, name: string, confirm: string): Promise<void> {
  authorize(actor, "tools.write");
  await getDb().$transaction(async (tx) => {
    const tool = await findLiveTool(tx, actor.workspaceId, name);
    if (confirm !== name)
      throw new AppError("bad_request", `To delete tool "${name}", confirm with its name.`, { hint: `Send confirm: "${name}".` });
    await tx.tool.update({ where: { id: tool.id }, data: { deletedAt: new Date(), liveName: null } });
    await audit(
      actor,
      {
        action: "tool.deleted",
        workspaceId: actor.workspaceId,
        targetType: "tool",
        targetId: name,
        data: { versions: tool._count.versions },
      },
      tx,
    );
  });
  await announceIndexChanged(actor.workspaceId);
}

let samples: SampleTool[] | undefined;

/**
 * Gives a new workspace the sample tools of plugins/. Best effort: a workspace is still
 * created when a sample cannot be read (wasm not built) or refused, and the reason logged.
 */
export async function installSampleTools(owner: Actor): Promise<number> {
  try {
    samples ??= listSampleTools();
  } catch (error) {
    logger.warn({ err: (error as Error).message }, "sample tools not installed");
    return 0;
  }
  let installed = 0;
  for (const sample of samples) {
    try {
      await uploadTool(owner, { manifest: sample.manifestText, format: "toml", module: sample.code }, { sample: true });
      installed++;
    } catch (error) {
      logger.warn({ tool: sample.name, err: (error as Error).message }, "sample tool not installed");
    }
  }
  return installed;
}
