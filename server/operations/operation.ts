import type { z } from "zod";
import { authorize, type Actor } from "../auth/actor";
import type { Permission } from "../auth/permissions";

/**
 * One domain call, declared once and served by both transports: the REST route
 * (server/api/rest-operation.ts) and the tRPC procedure (server/trpc/procedure.ts) are
 * derived from this definition, so their input, output, permission and service call
 * cannot drift apart. Where a transport answers differently on purpose (REST's 204s, the
 * validate answer's 422, an agent's TOML body), the difference is written in `rest`.
 */
export interface Operation<S extends z.ZodObject = z.ZodObject, Out = unknown, In = z.output<S>> {
  /** `domain.call`: also the tRPC procedure's path. */
  name: `${string}.${string}`;
  kind: "query" | "mutation";
  /**
   * Checked before the service runs (the service checks it too, as every caller of it
   * must). null: the service decides from the target (leaving a workspace needs no
   * permission; removing someone else does).
   */
  permission: Permission | null;
  /** Every field the call takes, wherever a transport carries it (path, query, body, tRPC input). */
  input: S;
  /** The declared answer: only its fields leave, on either transport. */
  output: z.ZodType<Out>;
  run(actor: Actor, input: In): Promise<Out>;
  /** How REST carries it; absent: tRPC only (the web app's own views). */
  rest?: RestBinding<In, Out>;
}

export interface RestBinding<In = unknown, Out = unknown> {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /**
   * Under /api/v1. `{field}`s are taken from the input; the remaining fields come from the
   * query string (GET) or the JSON body (anything else).
   */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /**
   * "token" (default): the call acts in the token's own workspace (domain resources live at
   * the top of /api/v1). "path": the path starts `/workspaces/{slug}` and the slug must be
   * the token's workspace; any other answers 404.
   */
  workspace?: "token" | "path";
  /** A second way to send the body (an agent's TOML, a multipart upload), turned into the input from its raw bytes. */
  documentBody?: { types: string[]; toBody(bytes: Uint8Array, contentType: string): Partial<In> | Promise<Partial<In>> };
  status?: 200 | 201 | 204;
  /** REST's answer when it differs from the operation's (a list wrapped in `{ items }`, an invalid document as 422). */
  reply?: { schema: z.ZodType; from(result: Out): unknown };
}

/** Any operation, as lists of them (a domain's, a transport's) hold them. */
export type AnyOperation = Operation<z.ZodObject, unknown, unknown>;

/** Keeps each definition's `run` typed by its own input schema. */
export const operation = <S extends z.ZodObject, Out, In = z.output<S>>(definition: Operation<S, Out, In>) => definition;

/** The permission, then the service: the one path both transports take into a domain call. */
export async function runOperation<S extends z.ZodObject, Out, In>(op: Operation<S, Out, In>, actor: Actor, input: In): Promise<Out> {
  if (op.permission) authorize(actor, op.permission);
  return op.run(actor, input);
}
