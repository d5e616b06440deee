import { z } from "zod";
import { version } from "../version";
import type { Route } from "./route";

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of a zod schema; dates become date-time strings. */
function jsonSchema(schema: z.ZodType, io: "input" | "output") {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    override(ctx) {
      if ((ctx.zodSchema as { _zod: { def: { type: string } } })._zod.def.type === "date") {
        ctx.jsonSchema.type = "string";
        ctx.jsonSchema.format = "date-time";
      }
    },
  }) as Record<string, unknown>;
  return rest;
}

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "Machine-readable, e.g. not_found, validation_failed, rate_limited" },
        message: { type: "string", description: "What went wrong" },
        details: { description: "Where: for validation errors, a list of { path, message }" },
        hint: { type: "string", description: "What to do next" },
      },
    },
  },
};

const errorResponses = {
  "400": {
    description: "Malformed or invalid request",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  },
  "401": {
    description: "Missing, malformed, unknown, revoked or expired token",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  },
  "403": {
    description: "The role or the token's scopes do not allow it",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  },
  "404": {
    description: "Not found (including anything of another workspace)",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  },
  "429": {
    description: "Rate limited; see Retry-After",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  },
  "503": {
    description: "Redis (queue and rate limiter) unreachable: nothing was done; retry after Retry-After",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  },
};

/** The OpenAPI 3.1 document, built from the very route table the dispatcher serves. */
export function openApiDocument(routes: Route[], basePath = "/api/v1") {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters: unknown[] = [];
    for (const [location, schema] of [
      ["path", route.params],
      ["query", route.query],
    ] as const) {
      if (!schema) continue;
      const object = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, property] of Object.entries(object.properties ?? {})) {
        parameters.push({ name, in: location, required: location === "path" || (object.required ?? []).includes(name), schema: property });
      }
    }
    const success = String(route.status ?? 200);
    paths[`${basePath}${route.path}`] ??= {};
    paths[`${basePath}${route.path}`]![route.method.toLowerCase()] = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(route.auth === false ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: {
                "application/json": { schema: jsonSchema(route.body, "input") },
                ...Object.fromEntries((route.documentBody?.types ?? []).map((type) => [type, { schema: { type: "string" } }])),
              },
            },
          }
        : {}),
      responses: {
        [success]: route.produces
          ? { description: "OK", content: { [route.produces]: { schema: { type: "string" } } } }
          : route.response
            ? { description: "OK", content: { "application/json": { schema: jsonSchema(route.response, "output") } } }
            : { description: "Done" },
        ...(route.auth === false ? {} : errorResponses),
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Caxton API",
      version,
      description:
        "REST API of Caxton. Authenticate with `Authorization: Bearer cx_...` (create tokens under Settings → API tokens). Errors share one shape; lists are cursor-paginated (`cursor`, `limit`; answer `nextCursor`).",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API token, `cx_` + 32 characters" } },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
