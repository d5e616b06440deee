import { ZodError, type z } from "zod";
import { actorForToken, requireWorkspace, type Actor } from "../auth/actor";
import { AppError, errorResponse, internalError } from "../lib/errors";
import { guardInput, parseGuardedJson } from "../lib/input-guard";
import { cursorError } from "../lib/pagination";
import { readCappedBytes, readCappedText } from "../lib/request-body";
import { createLogger } from "../observability/logger";
import { limitFor } from "../quotas/quotas";
import { hit } from "../quotas/rate-limit";
import type { Route } from "./route";

const logger = createLogger("api");

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export function compile(routes: Route[]): CompiledRoute[] {
  return routes.map((route) => {
    const names: string[] = [];
    const source = route.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    return { route, pattern: new RegExp(`^${source}$`), names };
  });
}

const issues = (error: ZodError) =>
  error.issues.map((issue) => ({
    path: issue.path.join("."),
    message: issue.message,
    code: issue.code,
    // Unknown fields: name them, so a client can fix its request without parsing messages.
    ...(issue.code === "unrecognized_keys" ? { keys: issue.keys } : {}),
  }));

const mediaType = (request: Request) => (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();

async function readJsonBody(request: Request, alternatives: string[] = []): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    const accepted = ["application/json", ...alternatives].map((t) => `\`${t}\``).join(" or ");
    throw new AppError("unsupported_media_type", `Expected a JSON body, got ${type ? `"${type}"` : "no Content-Type"}.`, {
      hint: `Send \`Content-Type:\` ${accepted} with a matching body.`,
    });
  }
  const text = await readCappedText(request);
  if (!text.trim()) throw new AppError("bad_request", "The request body is empty.", { hint: "Send a JSON object." });
  return parseGuardedJson(text, "body");
}

function decodeParam(name: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new AppError("bad_request", `The path parameter "${name}" is not valid percent-encoding.`, {
      hint: "Encode path segments with encodeURIComponent.",
    });
  }
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const cursor = cursorError(result.error);
  if (cursor) throw cursor;
  throw new AppError(
    "validation_failed",
    `The ${where} is not valid: ${result.error.issues.map((i) => `${i.path.join(".") || where}: ${i.message}`).join("; ")}.`,
    {
      details: issues(result.error),
      hint: "See the OpenAPI document at /api/v1/openapi.json for the expected shape.",
    },
  );
}

async function rateLimit(actor: Actor): Promise<Record<string, string>> {
  const limit = await limitFor(actor, "api_requests_per_minute");
  const [decision] = await Promise.all([hit(`token:${actor.tokenId}`, limit), hit(`ws:${actor.workspaceId}`, Number.MAX_SAFE_INTEGER)]);
  const headers = { "x-ratelimit-limit": String(limit), "x-ratelimit-remaining": String(Math.max(0, limit - decision.count)) };
  if (!decision.allowed) {
    throw Object.assign(
      new AppError("rate_limited", `This token made more than ${limit} requests this minute.`, {
        hint: `Wait ${decision.retryAfterS} s (Retry-After), or ask the workspace owner to raise "api_requests_per_minute".`,
        retryAfterS: decision.retryAfterS,
      }),
      { headers },
    );
  }
  return headers;
}

/** Answers one /api/v1 request: route, authenticate, rate-limit, validate, call, shape. */
export function createDispatcher(routes: Route[], basePath = "/api/v1") {
  const compiled = compile(routes);
  return async function dispatch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname.slice(basePath.length).replace(/\/+$/, "") || "/";
    const matches = compiled
      .map((c) => ({ ...c, match: c.pattern.exec(path) }))
      .filter((c): c is CompiledRoute & { match: RegExpExecArray } => c.match !== null);
    if (matches.length === 0) {
      return errorResponse(
        new AppError("not_found", `No API route ${request.method} ${url.pathname}.`, { hint: "See /api/v1/openapi.json for every route." }),
      );
    }
    const found = matches.find((m) => m.route.method === request.method);
    if (!found) {
      const allow = [...new Set(matches.map((m) => m.route.method))].join(", ");
      return errorResponse(
        new AppError("method_not_allowed", `${request.method} is not allowed on ${url.pathname}.`, { hint: `Allowed: ${allow}.` }),
        { allow },
      );
    }
    const { route } = found;
    let headers: Record<string, string> = {};
    try {
      const actor = route.auth === false ? (undefined as unknown as Actor) : await actorForToken(request.headers.get("authorization"));
      if (actor) headers = await rateLimit(actor);
      const rawParams = Object.fromEntries(found.names.map((name, i) => [name, decodeParam(name, found.match[i + 1]!)]));
      guardInput(rawParams, "path");
      const rawQuery = Object.fromEntries(url.searchParams);
      guardInput(rawQuery, "query");
      const params = parse(route.params, rawParams, "path");
      const query = parse(route.query, rawQuery, "query string");
      const document = route.documentBody;
      const body =
        document && document.types.includes(mediaType(request))
          ? await document.toBody(await readCappedBytes(request), request.headers.get("content-type") ?? "")
          : route.body
            ? parse(route.body, await readJsonBody(request, document?.types), "body")
            : undefined;
      if (route.workspace === "path") requireWorkspace(actor, (params as { slug: string }).slug);
      const result = await route.handler({ actor, params, query, body, request });
      if (result instanceof Response) {
        for (const [k, v] of Object.entries(headers)) result.headers.set(k, v);
        return result;
      }
      if (route.status === 204) return new Response(null, { status: 204, headers });
      // Declared output: whatever the service returned, only the schema's fields go out.
      const output = route.response ? route.response.parse(result) : result;
      return Response.json(output, { status: route.status ?? 200, headers: { "cache-control": "no-store", ...headers } });
    } catch (error) {
      if (error instanceof AppError) {
        const extra = (error as AppError & { headers?: Record<string, string> }).headers ?? headers;
        return errorResponse(error, {
          ...extra,
          ...(error.extra.retryAfterS ? { "retry-after": String(error.extra.retryAfterS) } : {}),
          ...(error.status === 401 ? { "www-authenticate": 'Bearer realm="caxton"' } : {}),
        });
      }
      if (error instanceof ZodError) {
        return errorResponse(new AppError("validation_failed", "The request is not valid.", { details: issues(error) }), headers);
      }
      const internal = internalError();
      logger.error({ err: error, requestId: internal.requestId, method: request.method, path: url.pathname }, "API request failed");
      return errorResponse(internal.error);
    }
  };
}
