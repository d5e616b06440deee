import { handleMcpRequest } from "@/server/tools/mcp";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** MCP (Streamable HTTP) for outside clients: the workspace's tools, by API token. */
export const POST = handleMcpRequest;
export const GET = handleMcpRequest;
export const DELETE = handleMcpRequest;
