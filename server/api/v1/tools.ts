import { z } from "zod";
import { AppError } from "../../lib/errors";
import { pageQuerySchema, pageSchema } from "../../lib/pagination";
import { getInvocation, invocationSummarySchema, listInvocations } from "../../tools/invocations";
import { invocationSchema, runTool } from "../../tools/runs";
import { deleteTool, getTool, listToolVersions, listTools, toolDetailSchema, toolSummarySchema, toolVersionSchema, uploadResultSchema, uploadTool, type ToolUpload } from "../../tools/tools";
import { route } from "../route";

const nameParams = z.object({ name: z.string() });

/** `manifest` (manifest.toml or manifest.json) and `module` (.wasm or .js) as form files. */
async function uploadFromForm(bytes: Uint8Array, contentType: string): Promise<ToolUpload> {
  let form: FormData;
  try {
    form = await new Response(Buffer.from(bytes), { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new AppError("bad_request", "The multipart body could not be read.", { hint: "Send multipart/form-data with the files `manifest` and `module`." });
  }
  const manifest = form.get("manifest");
  const module = form.get("module");
  if (!(manifest instanceof Blob) || !(module instanceof Blob)) {
    throw new AppError("bad_request", `The upload needs two files, \`manifest\` and \`module\`; got ${[...form.keys()].map((k) => `\`${k}\``).join(", ") || "none"}.`, {
      hint: "curl -F manifest=@manifest.toml -F module=@tool.wasm …",
    });
  }
  const name = manifest instanceof File ? manifest.name : "";
  return { manifest: new Uint8Array(await manifest.arrayBuffer()), format: name.endsWith(".json") ? "json" : "toml", module: new Uint8Array(await module.arrayBuffer()) };
}

const jsonUpload = z
  .object({
    manifest: z.string().describe("The manifest's text"),
    format: z.enum(["toml", "json"]).default("toml"),
    module: z.string().describe("The module, base64"),
  })
  .strict();

export const toolRoutes = [
  route({
    method: "GET",
    path: "/tools",
    tag: "Tools",
    summary: "Tools of the workspace",
    query: pageQuerySchema,
    response: pageSchema(toolSummarySchema),
    async handler({ actor, query }) {
      return listTools(actor, query);
    },
  }),
  route({
    method: "POST",
    path: "/tools",
    tag: "Tools",
    summary: "Upload a tool (a new tool or a new version)",
    description:
      "multipart/form-data with files `manifest` (TOML, or JSON when named *.json) and `module` (.wasm or .js), or JSON with the manifest text and the module in base64. 422 `invalid_tool` with `details.problems` (manifest, with line and column) and `details.moduleProblems`.",
    body: jsonUpload.transform((b): ToolUpload => ({ manifest: b.manifest, format: b.format, module: new Uint8Array(Buffer.from(b.module, "base64")) })) as unknown as z.ZodType<ToolUpload>,
    documentBody: { types: ["multipart/form-data"], toBody: uploadFromForm },
    response: uploadResultSchema,
    async handler({ actor, body }) {
      return uploadTool(actor, body);
    },
  }),
  route({
    method: "GET",
    path: "/tools/{name}",
    tag: "Tools",
    summary: "A tool with its active manifest",
    params: nameParams,
    response: toolDetailSchema,
    async handler({ actor, params }) {
      return getTool(actor, params.name);
    },
  }),
  route({
    method: "DELETE",
    path: "/tools/{name}",
    tag: "Tools",
    summary: "Delete a tool",
    description: "`confirm` must repeat the tool's name. Versions and invocations stay; the name can be used again.",
    params: nameParams,
    body: z.object({ confirm: z.string() }).strict(),
    status: 204,
    async handler({ actor, params, body }) {
      await deleteTool(actor, params.name, body.confirm);
    },
  }),
  route({
    method: "GET",
    path: "/tools/{name}/versions",
    tag: "Tools",
    summary: "Versions of a tool, newest first",
    params: nameParams,
    query: pageQuerySchema,
    response: pageSchema(toolVersionSchema),
    async handler({ actor, params, query }) {
      return listToolVersions(actor, params.name, query);
    },
  }),
  route({
    method: "POST",
    path: "/tools/{name}/run",
    tag: "Tools",
    summary: "Run a tool and wait for its result",
    description: "Runs in a worker's sandbox. A tool that misbehaves still answers 200, with `status: failed` and a `diagnostic` { kind, limit, observed, message }.",
    params: nameParams,
    body: z.object({ input: z.unknown() }).strict(),
    response: invocationSchema,
    async handler({ actor, params, body }) {
      return runTool(actor, params.name, body.input ?? {});
    },
  }),
  route({
    method: "GET",
    path: "/tools/{name}/invocations",
    tag: "Tools",
    summary: "Recent calls of a tool",
    description: "Newest first, at most 200 a page. Each call carries a preview of its input and output (`inputPreview`, `outputPreview`: the JSON text cut to 500 characters, its full size in bytes, and whether it was cut); `GET /tools/{name}/invocations/{id}` returns one call whole.",
    params: nameParams,
    query: pageQuerySchema,
    response: pageSchema(invocationSummarySchema),
    async handler({ actor, params, query }) {
      return listInvocations(actor, params.name, query);
    },
  }),
  route({
    method: "GET",
    path: "/tools/{name}/invocations/{id}",
    tag: "Tools",
    summary: "One call of a tool, with its whole input and output",
    params: nameParams.extend({ id: z.string().min(1).max(100) }),
    response: invocationSchema,
    async handler({ actor, params }) {
      return getInvocation(actor, params.name, params.id);
    },
  }),
];
