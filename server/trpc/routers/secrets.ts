import { z } from "zod";
import { deleteSecret, listSecrets, secretNameSchema, secretSummarySchema, secretValueSchema, setSecret } from "../../secrets/secrets";
import { router, workspaceProcedure } from "../init";
import { ws } from "./shared";

/** Write-only, as over REST: values go in, only names, dates and authors come out. */
export const secretsRouter = router({
  list: workspaceProcedure
    .input(ws)
    .output(z.object({ items: z.array(secretSummarySchema) }))
    .query(async ({ ctx }) => ({ items: await listSecrets(ctx.actor) })),
  set: workspaceProcedure
    .input(ws.extend({ name: secretNameSchema, value: secretValueSchema }))
    .output(z.object({ name: z.string() }))
    .mutation(async ({ ctx, input }) => {
      await setSecret(ctx.actor, input.name, input.value);
      return { name: input.name };
    }),
  delete: workspaceProcedure
    .input(ws.extend({ name: z.string().min(1).max(100) }))
    .output(z.object({ name: z.string() }))
    .mutation(async ({ ctx, input }) => {
      await deleteSecret(ctx.actor, input.name);
      return { name: input.name };
    }),
});
