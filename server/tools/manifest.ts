import { Ajv2020 } from "ajv/dist/2020.js";
import { z } from "zod";
import { problem, type Problem } from "../documents/problems";
import { isTable, locate, readDocument, type DocumentFormat } from "../documents/read";
import { schemaProblems } from "../documents/schema-problems";
import { formatPath, type PathSegment } from "../documents/source-map";
import { toolNameSchema } from "../agents/schema";

/**
 * A tool's manifest (manifest.toml or manifest.json): MCP's tool shape (name, description,
 * inputSchema, outputSchema) plus what Caxton needs to run it safely (kind, entry, declared
 * permissions) and hints for clients. Validated like agent documents, with line and column.
 */

export const MAX_MANIFEST_BYTES = 64 * 1024;
/** The most memory a tool may declare: 1024 pages of 64 KiB = 64 MiB. */
export const MAX_MEMORY_PAGES = 1024;

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const HOST = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i;

const jsonSchemaObject = z
  .record(z.string(), z.unknown())
  .refine((schema) => schema.type === "object", 'must be a JSON Schema of an object (`type = "object"`), as MCP requires')
  .meta({ description: "A JSON Schema (draft 2020-12)." });

const permissionsSchema = z.strictObject({
  timeoutMs: z.int().min(1).max(60_000).default(1_000).meta({ description: "Longest one call may run, in milliseconds." }),
  maxMemoryPages: z
    .int()
    .min(1)
    .max(MAX_MEMORY_PAGES)
    .default(64)
    .meta({ description: "Memory cap in 64 KiB pages; a wasm module must declare a maximum no larger." }),
  allowedHosts: z
    .array(z.string().regex(HOST, "Hosts look like `api.example.com`, `*.example.com` or `127.0.0.1:8080`"))
    .max(50)
    .default([])
    .meta({ description: "Hosts the tool may call through `caxton_http`." }),
});

const hintsSchema = z.strictObject({
  readOnly: z.boolean().default(false).meta({ description: "The tool changes nothing outside itself." }),
  destructive: z.boolean().default(false).meta({ description: "The tool may delete or overwrite things." }),
});

export const toolManifestSchema = z.strictObject({
  name: toolNameSchema,
  version: z.string().regex(SEMVER, "Versions are semantic versions like 1.0.0"),
  description: z.string().min(1).max(1000),
  kind: z.enum(["wasm", "js"]),
  entry: z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, "The entry is a function name like `count`"),
  inputSchema: jsonSchemaObject,
  outputSchema: jsonSchemaObject.optional(),
  permissions: permissionsSchema.prefault({}),
  hints: hintsSchema.prefault({}),
});

export type ToolManifest = z.output<typeof toolManifestSchema>;

const knownKeys: Record<string, readonly string[]> = {
  "": Object.keys(toolManifestSchema.shape),
  permissions: Object.keys(permissionsSchema.shape),
  hints: Object.keys(hintsSchema.shape),
};

// Checks schemas against the draft 2020-12 meta-schema only: nothing is compiled here (the
// worker compiles them), so a hostile schema costs the web process nothing.
const metaValidator = new Ajv2020({ strict: false, allErrors: true, validateSchema: true });

export type ManifestResult = { ok: true; manifest: ToolManifest; text: string; problems: Problem[] } | { ok: false; problems: Problem[] };

export function validateToolManifest(input: string | Uint8Array, format: DocumentFormat): ManifestResult {
  const read = readDocument(input, {
    format,
    maxBytes: MAX_MANIFEST_BYTES,
    what: "tool manifests",
    sizeHint: "Keep the manifest to the tool's description and schemas.",
  });
  if (!read.ok) return read;
  const checked = schemaProblems(toolManifestSchema, read.data, read.map, { knownKeys: (path) => knownKeys[path.join(".")] ?? [] });
  const problems = [...checked.problems];
  for (const key of ["inputSchema", "outputSchema"] as const) {
    const schema = read.data[key];
    if (!isTable(schema) || metaValidator.validateSchema(schema)) continue;
    // One problem per place: the meta-schema's alternatives (anyOf) all fail at once.
    const seen = new Set<string>();
    for (const error of metaValidator.errors ?? []) {
      if (seen.has(error.instancePath)) continue;
      seen.add(error.instancePath);
      const path: PathSegment[] = [
        key,
        ...error.instancePath
          .split("/")
          .filter(Boolean)
          .map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
      ];
      problems.push(
        problem(
          "invalid_value",
          formatPath(path),
          `\`${key}\` is not a valid JSON Schema: ${error.instancePath || "the schema"} ${error.message}.`,
          locate(read.map(), path),
        ),
      );
    }
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  if (checked.value === undefined || problems.some((p) => p.severity === "error")) return { ok: false, problems };
  return { ok: true, manifest: checked.value, text: read.text, problems };
}
