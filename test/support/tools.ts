import { getDb } from "../../server/db/client";
import type { ToolUpload } from "../../server/tools/tools";

/** A small valid JavaScript tool: `{ text }` → `{ upper }`. */
export function sampleJsTool(name: string, options: { version?: string; body?: string; timeoutMs?: number } = {}): ToolUpload {
  const manifest = `name = "${name}"
version = "${options.version ?? "1.0.0"}"
description = "Upper-cases a text."
kind = "js"
entry = "run"
inputSchema = { type = "object", properties = { text = { type = "string" } }, required = ["text"], additionalProperties = false }
outputSchema = { type = "object", properties = { upper = { type = "string" } }, required = ["upper"] }

[permissions]
timeoutMs = ${options.timeoutMs ?? 1000}
maxMemoryPages = 256
`;
  const source = `function run(input) {\n  ${options.body ?? "return { upper: input.text.toUpperCase() };"}\n}\n`;
  return { manifest, format: "toml", module: new TextEncoder().encode(source) };
}

/** A recorded call of a workspace's tool, written as the worker would (no run needed to probe reads). */
export async function recordedInvocation(workspaceId: string, toolName: string) {
  const tool = await getDb().tool.findFirstOrThrow({ where: { workspaceId, liveName: toolName } });
  return getDb().toolInvocation.create({
    data: {
      workspaceId,
      toolId: tool.id,
      toolVersionId: tool.activeVersionId!,
      status: "ok",
      callerType: "user",
      callerLabel: "probe",
      input: { text: "secret input" },
      output: { upper: "SECRET OUTPUT" },
    },
  });
}
