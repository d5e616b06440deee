import { z } from "zod";
import { createdTokenSchema, createToken, listTokens, revokeToken, tokenInputSchema, tokenSchema } from "../../auth/tokens";
import { pageQuerySchema, pageSchema } from "../../lib/pagination";
import { router, workspaceProcedure } from "../init";
import { ws } from "./shared";

export const tokensRouter = router({
  list: workspaceProcedure
    .input(ws.extend(pageQuerySchema.shape))
    .output(pageSchema(tokenSchema))
    .query(({ ctx, input }) => listTokens(ctx.actor, input)),
  create: workspaceProcedure
    .input(ws.extend(tokenInputSchema.shape))
    .output(createdTokenSchema)
    .mutation(({ ctx, input }) => createToken(ctx.actor, { name: input.name, scopes: input.scopes, expiresAt: input.expiresAt })),
  revoke: workspaceProcedure
    .input(ws.extend({ id: z.string() }))
    .output(tokenSchema)
    .mutation(({ ctx, input }) => revokeToken(ctx.actor, input.id)),
});
