import type { z } from "zod";
import { runOperation, type Operation } from "../operations/operation";
import { workspaceProcedure } from "./init";
import { ws } from "./routers/shared";

/**
 * The tRPC procedure of an operation: its input plus `workspace` (the slug, which
 * workspaceProcedure resolves to the caller's membership), its output, its service call.
 * Unknown fields are dropped here, as tRPC always has; REST refuses them by name.
 */
const inputOf = <S extends z.ZodObject>(op: Operation<S, unknown, unknown>) => ws.extend(op.input.shape as S["shape"]);

/** The slug picked the actor (workspaceProcedure); the call itself never sees it, as over REST. */
function withoutWorkspace<In>(input: object): In {
  const { workspace: _slug, ...rest } = input as { workspace?: string };
  return rest as In;
}

function expectKind(op: Operation<z.ZodObject, unknown, unknown>, kind: Operation["kind"]) {
  if (op.kind !== kind) throw new Error(`Operation ${op.name} is a ${op.kind}; serve it with ${op.kind}Of.`);
}

export function queryOf<S extends z.ZodObject, Out, In>(op: Operation<S, Out, In>) {
  expectKind(op, "query");
  return workspaceProcedure
    .meta({ operation: op.name })
    .input(inputOf(op))
    .output(op.output)
    .query(({ ctx, input }) => runOperation(op, ctx.actor, withoutWorkspace<In>(input as unknown as object)));
}

export function mutationOf<S extends z.ZodObject, Out, In>(op: Operation<S, Out, In>) {
  expectKind(op, "mutation");
  return workspaceProcedure
    .meta({ operation: op.name })
    .input(inputOf(op))
    .output(op.output)
    .mutation(({ ctx, input }) => runOperation(op, ctx.actor, withoutWorkspace<In>(input as unknown as object)));
}
