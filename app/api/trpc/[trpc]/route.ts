import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { AppError } from "@/server/lib/errors";
import { readCappedText } from "@/server/lib/request-body";
import { createContext } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";

export const dynamic = "force-dynamic";

async function handler(req: Request) {
  let request = req;
  if (req.method === "POST") {
    // Same 1 MiB cap as the REST API: a huge body is refused before tRPC parses it.
    try {
      request = new Request(req.url, { method: "POST", headers: req.headers, body: await readCappedText(req) });
    } catch (error) {
      if (error instanceof AppError) return Response.json({ error: { message: error.message, code: -32600, data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413, hint: error.extra.hint } } }, { status: 413 });
      throw error;
    }
  }
  // Queries may come as POST when their input is too long for a URL (providers.tsx).
  return fetchRequestHandler({ endpoint: "/api/trpc", req: request, router: appRouter, createContext, allowMethodOverride: true });
}

export { handler as GET, handler as POST };
