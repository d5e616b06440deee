import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { actorForToken, authorize, type Actor } from "../auth/actor";
import { getDb } from "../db/client";
import { randomUUID } from "node:crypto";
import { AppError } from "../lib/errors";
import { parseGuardedJson } from "../lib/input-guard";
import { readCappedText } from "../lib/request-body";
import { createLogger } from "../observability/logger";
import { version } from "../version";
import type { ToolManifest } from "./manifest";
import { runTool } from "./runs";

const logger = createLogger("mcp");

/** An unexpected failure: logged with an id; its text (a query, a stack) stays in the log. */
function internalError(error: unknown, what: string): string {
  const requestId = randomUUID();
  logger.error({ err: error, requestId }, what);
  return `Something went wrong on our side; if it persists, report request ${requestId}.`;
}

/**
 * The workspace's tools for outside MCP clients, over Streamable HTTP (stateless, JSON
 * answers): one Server per request, authenticated by an API token. A tool's own failure
 * (timeout, memory, denied host...) is a tool result with `isError`, which the model sees;
 * an unknown tool is a protocol error.
 */

async function listedTools(actor: Actor) {
  authorize(actor, "tools.view");
  const tools = await getDb().tool.findMany({
    where: { workspaceId: actor.workspaceId, deletedAt: null },
    include: { activeVersion: { select: { manifest: true } } },
    orderBy: { name: "asc" },
  });
  return tools.flatMap((tool) => {
    if (!tool.activeVersion) return [];
    const manifest = tool.activeVersion.manifest as unknown as ToolManifest;
    return [
      {
        name: tool.name,
        description: manifest.description,
        inputSchema: manifest.inputSchema as { type: "object" },
        ...(manifest.outputSchema ? { outputSchema: manifest.outputSchema as { type: "object" } } : {}),
        annotations: { readOnlyHint: manifest.hints.readOnly, destructiveHint: manifest.hints.destructive },
      },
    ];
  });
}

function buildServer(actor: Actor): Server {
  const server = new Server({ name: "caxton", version }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await listedTools(actor) }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const { name, arguments: input = {} } = request.params;
    let run;
    try {
      run = await runTool(actor, name, input, { type: "mcp", label: `${actor.label} (MCP)` });
    } catch (error) {
      if (error instanceof AppError && error.code === "not_found")
        throw new McpError(ErrorCode.InvalidParams, `No tool "${name}" in this workspace.`);
      if (error instanceof AppError)
        return {
          isError: true,
          content: [{ type: "text" as const, text: `${error.message}${error.extra.hint ? ` ${error.extra.hint}` : ""}` }],
        };
      throw new McpError(ErrorCode.InternalError, internalError(error, "MCP tool call failed"));
    }
    if (run.status === "ok") {
      const output = run.output;
      const structured =
        output && typeof output === "object" && !Array.isArray(output) ? { structuredContent: output as Record<string, unknown> } : {};
      return { content: [{ type: "text" as const, text: JSON.stringify(output) }], ...structured };
    }
    const d = run.diagnostic;
    return {
      isError: true,
      content: [
        {
          type: "text" as const,
          text: d
            ? `${d.kind}: ${d.message}${d.limit !== null ? ` (limit ${d.limit}, observed ${d.observed ?? "-"})` : ""}`
            : `The call did not finish (${run.status}).`,
        },
      ],
      _meta: { caxton: { invocationId: run.id, diagnostic: d } },
    };
  });
  return server;
}

interface ParamsSchema {
  safeParse(value: unknown): { success: true } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}
const handledRequests: Record<string, ParamsSchema> = { "tools/call": CallToolRequestSchema, "tools/list": ListToolsRequestSchema };

/**
 * The SDK answers params of the wrong shape (a string for `arguments`, a number for `name`)
 * with -32603 "internal error" carrying its schema's issues; they are the caller's mistake,
 * so they are checked here first and answered -32602 naming the field.
 */
function invalidParams(body: unknown): { id: unknown; message: string } | null {
  for (const message of Array.isArray(body) ? body : [body]) {
    const method = (message as { method?: unknown } | null)?.method;
    const schema = typeof method === "string" ? handledRequests[method] : undefined;
    const result = schema?.safeParse(message);
    if (result && !result.success) {
      const issues = result.error.issues.map((issue) => `\`${issue.path.map(String).join(".")}\`: ${issue.message}`).join("; ");
      const id = (message as { id?: unknown }).id;
      return {
        id: typeof id === "string" || typeof id === "number" ? id : null,
        message: `Invalid params for ${method}: ${issues}. See the tool's inputSchema in tools/list.`,
      };
    }
  }
  return null;
}

/** JSON-RPC's codes for a refused request: not JSON, too large, or input no tool can take. */
const rpcCodeOf = (error: AppError) => (error.code === "bad_request" ? -32700 : error.code === "payload_too_large" ? -32600 : -32602);

const jsonRpcError = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
  Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status, headers: { "cache-control": "no-store", ...headers } });

/** Answers one MCP request. GET (the optional SSE stream) is not offered in stateless mode. */
export async function handleMcpRequest(request: Request): Promise<Response> {
  if (request.method !== "POST")
    return jsonRpcError(405, -32000, "This MCP endpoint is stateless: send JSON-RPC requests with POST.", { allow: "POST" });
  let actor: Actor;
  try {
    actor = await actorForToken(request.headers.get("authorization"));
  } catch (error) {
    if (error instanceof AppError)
      return jsonRpcError(error.status, -32001, `${error.message}${error.extra.hint ? ` ${error.extra.hint}` : ""}`, {
        "www-authenticate": 'Bearer realm="caxton"',
      });
    return jsonRpcError(500, -32603, internalError(error, "MCP authentication failed"));
  }
  // The boundary check every transport shares (size, nesting, NUL, lone surrogates), on the
  // text before the SDK parses it; the SDK then reads the same text again.
  let body: string;
  try {
    body = await readCappedText(request);
    if (/^application\/json\b/i.test(request.headers.get("content-type") ?? "") && body.trim()) {
      const invalid = invalidParams(parseGuardedJson(body, "body"));
      if (invalid)
        return Response.json(
          { jsonrpc: "2.0", error: { code: -32602, message: invalid.message }, id: invalid.id },
          { status: 400, headers: { "cache-control": "no-store" } },
        );
    }
  } catch (error) {
    if (error instanceof AppError)
      return jsonRpcError(error.status, rpcCodeOf(error), `${error.message}${error.extra.hint ? ` ${error.extra.hint}` : ""}`);
    return jsonRpcError(500, -32603, internalError(error, "MCP request failed"));
  }
  const server = buildServer(actor);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  try {
    await server.connect(transport);
    return await transport.handleRequest(new Request(request.url, { method: "POST", headers: request.headers, body }));
  } catch (error) {
    return jsonRpcError(500, -32603, internalError(error, "MCP request failed"));
  } finally {
    await transport.close();
    await server.close();
  }
}
