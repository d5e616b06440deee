import type { z } from "zod";
import type { Actor } from "../auth/actor";

/**
 * A REST route: its schemas are the single source of both the request validation in
 * dispatch.ts and the OpenAPI document in openapi.ts. Handlers stay thin: they call one
 * service and return its result.
 */
export interface RouteContext<P, Q, B> {
  actor: Actor;
  params: P;
  query: Q;
  body: B;
  request: Request;
}

export interface Route<P = unknown, Q = unknown, B = unknown, R = unknown> {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** OpenAPI-style path under /api/v1, e.g. `/workspaces/{slug}/tokens/{id}`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** false: no token needed (the OpenAPI document itself). */
  auth?: boolean;
  /**
   * "path": the path starts `/workspaces/{slug}` and the dispatcher answers 404 unless the
   * slug is the token's own workspace, before the handler runs. Otherwise the route acts in
   * the token's workspace.
   */
  workspace?: "token" | "path";
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /**
   * A second way to send the body: a document of these media types (e.g. an agent's TOML),
   * turned into the body by `toBody` from its raw bytes (left undecoded so the service can
   * refuse text that is not UTF-8).
   */
  documentBody?: { types: string[]; toBody(bytes: Uint8Array, contentType: string): B | Promise<B> };
  /** The JSON answer's schema; omit for 204, or when `produces` names a streamed type. */
  response?: z.ZodType<R>;
  status?: 200 | 201 | 204;
  produces?: "application/x-ndjson";
  handler(context: RouteContext<P, Q, B>): Promise<R | Response | void>;
}

// Inference helper: keeps each route's handler typed by its own schemas.
export const route = <P, Q, B, R>(definition: Route<P, Q, B, R>) => definition as unknown as Route;
