import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { dispatchV1 } from "../server/api/v1";
import { errorReply, internalError } from "../server/lib/errors";
import { createLogger } from "../server/observability/logger";

const logger = createLogger("api");

/**
 * The REST API (/api/v1) is answered here, by our dispatcher, before Next.js sees the
 * request: it renders nothing, and Next's request pipeline cost about 3 ms of CPU per call
 * (measured on /api/health), more than the work of sending a message. Pages, tRPC, Auth.js,
 * SSE and MCP stay with Next.
 */
export const isRestRequest = (url = "/") => url === "/api/v1" || url.startsWith("/api/v1/") || url.startsWith("/api/v1?");

export async function serveRest(req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
  try {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(new URL(req.url ?? "/", origin), {
      method: req.method,
      headers,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
    } as RequestInit);
    const response = await dispatchV1(request);
    res.statusCode = response.status;
    response.headers.forEach((value, name) => res.setHeader(name, value));
    // Refused before its body was read (too large, unauthorized): the rest of the body is
    // still on the socket, so the client must not send its next request down this one.
    if (hasBody && !req.readableEnded) res.setHeader("connection", "close");
    if (response.body && req.method !== "HEAD") {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
    }
    res.end();
  } catch (error) {
    // The dispatcher answers every error it knows; this is a broken connection or a bug.
    // The error's own text stays in the log: it can name internals (queries, paths).
    const internal = internalError();
    logger.error(
      { err: error, requestId: internal.requestId, method: req.method, path: req.url },
      "API request failed outside the dispatcher",
    );
    if (!res.headersSent) {
      const reply = errorReply(internal.error);
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    } else res.destroy();
  }
}
