import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { AppError } from "@/server/lib/errors";
import { jsonTextDepth, MAX_JSON_DEPTH } from "@/server/lib/input-guard";
import { readCappedText } from "@/server/lib/request-body";
import { createContext } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";

export const dynamic = "force-dynamic";

/** A refusal before tRPC runs, in tRPC's own error shape. */
const refusal = (error: AppError, code: string) =>
  Response.json(
    {
      error: {
        message: error.message,
        code: -32600,
        data: { code, httpStatus: error.status, appCode: error.code, hint: error.extra.hint },
      },
    },
    { status: error.status },
  );

const tooDeep = () =>
  new AppError("too_deep", `The input nests deeper than ${MAX_JSON_DEPTH} levels.`, {
    hint: `Flatten the data to at most ${MAX_JSON_DEPTH} levels of objects and arrays.`,
  });

async function handler(req: Request) {
  let request = req;
  // Nesting is counted on the text, before tRPC parses it; the rest of the input check
  // (NUL, lone surrogates) runs on the parsed input in every procedure (server/trpc/init.ts).
  const input = new URL(req.url).searchParams.get("input");
  if (input && jsonTextDepth(input) > MAX_JSON_DEPTH) return refusal(tooDeep(), "BAD_REQUEST");
  if (req.method === "POST") {
    // Same 1 MiB cap as the REST API: a huge body is refused before tRPC parses it.
    let text: string;
    try {
      text = await readCappedText(req);
    } catch (error) {
      if (error instanceof AppError) return refusal(error, "PAYLOAD_TOO_LARGE");
      throw error;
    }
    if (jsonTextDepth(text) > MAX_JSON_DEPTH) return refusal(tooDeep(), "BAD_REQUEST");
    request = new Request(req.url, { method: "POST", headers: req.headers, body: text });
  }
  // Queries may come as POST when their input is too long for a URL (providers.tsx).
  return fetchRequestHandler({ endpoint: "/api/trpc", req: request, router: appRouter, createContext, allowMethodOverride: true });
}

export { handler as GET, handler as POST };
