import { z } from "zod";
import { runOperation, type AnyOperation, type Operation } from "../operations/operation";
import type { Route } from "./route";

const pathNames = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
// zod types pick/omit masks by the schema's own keys; these are checked against them above.
const only = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, true as const])) as Record<string, true> as never;

/**
 * The REST route of an operation: `{field}`s of its path, then the query string (GET) or
 * the body (anything else) carry the operation's own input schema, cut along those lines,
 * so nothing here declares a second schema.
 */
export function restRoute<S extends z.ZodObject, Out, In>(op: Operation<S, Out, In>): Route & { operation: AnyOperation } {
  const rest = op.rest;
  if (!rest) throw new Error(`Operation ${op.name} has no REST binding.`);
  const inPath = pathNames(rest.path).filter((name) => !(rest.workspace === "path" && name === "slug"));
  const fields = Object.keys(op.input.shape);
  const unknownField = inPath.find((name) => !fields.includes(name));
  if (unknownField) throw new Error(`Operation ${op.name}: its path names {${unknownField}}, which its input lacks.`);
  if (rest.workspace === "path" && !rest.path.startsWith("/workspaces/{slug}"))
    throw new Error(`Operation ${op.name}: a path-scoped route starts /workspaces/{slug}.`);
  const remaining = fields.filter((name) => !inPath.includes(name));
  const pathSchema = op.input.pick(only(inPath));
  const params =
    rest.workspace === "path" ? z.object({ slug: z.string() }).extend(pathSchema.shape) : inPath.length ? pathSchema : undefined;
  const others = remaining.length ? op.input.omit(only(inPath)) : undefined;
  const query = rest.method === "GET" ? others : undefined;
  const body = rest.method === "GET" ? undefined : others;
  return {
    operation: op as unknown as AnyOperation,
    method: rest.method,
    path: rest.path,
    summary: rest.summary,
    ...(rest.description ? { description: rest.description } : {}),
    tag: rest.tag,
    ...(rest.workspace ? { workspace: rest.workspace } : {}),
    ...(params ? { params } : {}),
    ...(query ? { query } : {}),
    ...(body ? { body } : {}),
    ...(rest.documentBody ? { documentBody: rest.documentBody } : {}),
    ...(rest.status === 204 ? {} : { response: rest.reply?.schema ?? op.output }),
    ...(rest.status ? { status: rest.status } : {}),
    async handler({ actor, params: p, query: q, body: b }) {
      // The slug of a path-scoped route was checked by the dispatcher; it is no input of the call.
      const fromPath = { ...(p as object) } as Record<string, unknown>;
      if (rest.workspace === "path") delete fromPath.slug;
      const input = { ...(q as object), ...(b as object), ...fromPath } as In;
      const result = await runOperation(op, actor, input);
      return rest.reply ? rest.reply.from(result) : result;
    },
  };
}

/** The routes of a domain's operations, in the order given (the OpenAPI document keeps it). */
export const restRoutes = (ops: AnyOperation[]) => ops.map((op) => restRoute(op));
