import { z } from "zod";
import { AppError } from "../lib/errors";
import { pageQuerySchema, pageSchema } from "../lib/pagination";
import { getInvocation, invocationSummarySchema, listInvocations } from "../tools/invocations";
import { invocationSchema, runTool } from "../tools/runs";
import {
  deleteTool,
  getTool,
  listToolVersions,
  listTools,
  toolDetailSchema,
  toolSummarySchema,
  toolVersionSchema,
  uploadResultSchema,
  uploadTool,
} from "../tools/tools";
import { operation } from "./operation";

const named = z.object({ name: z.string() });

const uploadInput = z
  .object({
    manifest: z.string().describe("The manifest's text"),
    format: z.enum(["toml", "json"]).default("toml"),
    module: z.string().describe("The module, base64"),
  })
  .strict();
/** JSON carries the module in base64; a REST multipart upload carries both files' bytes. */
type UploadInput = { manifest: string | Uint8Array; format: "toml" | "json"; module: string | Uint8Array };

/** `manifest` (manifest.toml or manifest.json) and `module` (.wasm or .js) as form files. */
async function uploadFromForm(bytes: Uint8Array, contentType: string): Promise<UploadInput> {
  let form: FormData;
  try {
    form = await new Response(Buffer.from(bytes), { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new AppError("bad_request", "The multipart body could not be read.", {
      hint: "Send multipart/form-data with the files `manifest` and `module`.",
    });
  }
  const manifest = form.get("manifest");
  const module = form.get("module");
  if (!(manifest instanceof Blob) || !(module instanceof Blob)) {
    throw new AppError(
      "bad_request",
      `The upload needs two files, \`manifest\` and \`module\`; got ${[...form.keys()].map((k) => `\`${k}\``).join(", ") || "none"}.`,
      {
        hint: "curl -F manifest=@manifest.toml -F module=@tool.wasm …",
      },
    );
  }
  const name = manifest instanceof File ? manifest.name : "";
  return {
    manifest: new Uint8Array(await manifest.arrayBuffer()),
    format: name.endsWith(".json") ? "json" : "toml",
    module: new Uint8Array(await module.arrayBuffer()),
  };
}

export const toolOperations = {
  list: operation({
    name: "tools.list",
    kind: "query",
    permission: "tools.view",
    input: pageQuerySchema,
    output: pageSchema(toolSummarySchema),
    run: (actor, input) => listTools(actor, input),
    rest: { method: "GET", path: "/tools", tag: "Tools", summary: "Tools of the workspace" },
  }),
  upload: operation<typeof uploadInput, z.infer<typeof uploadResultSchema>, UploadInput>({
    name: "tools.upload",
    kind: "mutation",
    permission: "tools.write",
    input: uploadInput,
    output: uploadResultSchema,
    run: (actor, input) =>
      uploadTool(actor, {
        manifest: input.manifest,
        format: input.format,
        module: typeof input.module === "string" ? new Uint8Array(Buffer.from(input.module, "base64")) : input.module,
      }),
    rest: {
      method: "POST",
      path: "/tools",
      tag: "Tools",
      summary: "Upload a tool (a new tool or a new version)",
      description:
        "multipart/form-data with files `manifest` (TOML, or JSON when named *.json) and `module` (.wasm or .js), or JSON with the manifest text and the module in base64. 422 `invalid_tool` with `details.problems` (manifest, with line and column) and `details.moduleProblems`.",
      documentBody: { types: ["multipart/form-data"], toBody: uploadFromForm },
    },
  }),
  get: operation({
    name: "tools.get",
    kind: "query",
    permission: "tools.view",
    input: named,
    output: toolDetailSchema,
    run: (actor, input) => getTool(actor, input.name),
    rest: { method: "GET", path: "/tools/{name}", tag: "Tools", summary: "A tool with its active manifest" },
  }),
  delete: operation({
    name: "tools.delete",
    kind: "mutation",
    permission: "tools.write",
    input: named.extend({ confirm: z.string() }).strict(),
    output: z.object({ deleted: z.literal(true) }),
    async run(actor, input) {
      await deleteTool(actor, input.name, input.confirm);
      return { deleted: true as const };
    },
    rest: {
      method: "DELETE",
      path: "/tools/{name}",
      tag: "Tools",
      summary: "Delete a tool",
      description: "`confirm` must repeat the tool's name. Versions and invocations stay; the name can be used again.",
      status: 204,
    },
  }),
  versions: operation({
    name: "tools.versions",
    kind: "query",
    permission: "tools.view",
    input: named.extend(pageQuerySchema.shape),
    output: pageSchema(toolVersionSchema),
    run: (actor, input) => listToolVersions(actor, input.name, input),
    rest: { method: "GET", path: "/tools/{name}/versions", tag: "Tools", summary: "Versions of a tool, newest first" },
  }),
  run: operation({
    name: "tools.run",
    kind: "mutation",
    permission: "tools.run",
    input: named.extend({ input: z.unknown() }).strict(),
    output: invocationSchema,
    run: (actor, input) => runTool(actor, input.name, input.input ?? {}),
    rest: {
      method: "POST",
      path: "/tools/{name}/run",
      tag: "Tools",
      summary: "Run a tool and wait for its result",
      description:
        "Runs in a worker's sandbox. A tool that misbehaves still answers 200, with `status: failed` and a `diagnostic` { kind, limit, observed, message }.",
    },
  }),
  invocations: operation({
    name: "tools.invocations",
    kind: "query",
    permission: "tools.view",
    input: named.extend(pageQuerySchema.shape),
    output: pageSchema(invocationSummarySchema),
    run: (actor, input) => listInvocations(actor, input.name, input),
    rest: {
      method: "GET",
      path: "/tools/{name}/invocations",
      tag: "Tools",
      summary: "Recent calls of a tool",
      description:
        "Newest first, at most 200 a page. Each call carries a preview of its input and output (`inputPreview`, `outputPreview`: the JSON text cut to 500 characters, its full size in bytes, and whether it was cut); `GET /tools/{name}/invocations/{id}` returns one call whole.",
    },
  }),
  invocation: operation({
    name: "tools.invocation",
    kind: "query",
    permission: "tools.view",
    input: named.extend({ id: z.string().min(1).max(100) }),
    output: invocationSchema,
    run: (actor, input) => getInvocation(actor, input.name, input.id),
    rest: {
      method: "GET",
      path: "/tools/{name}/invocations/{id}",
      tag: "Tools",
      summary: "One call of a tool, with its whole input and output",
    },
  }),
};
