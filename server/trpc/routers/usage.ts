import { z } from "zod";
import { getUsage, quotaNames, setQuota, usageSchema } from "../../quotas/quotas";
import { router, workspaceProcedure } from "../init";
import { ws } from "./shared";

export const usageRouter = router({
  get: workspaceProcedure.input(ws).output(usageSchema).query(({ ctx }) => getUsage(ctx.actor)),
  setQuota: workspaceProcedure
    .input(ws.extend({ name: z.enum(quotaNames), limit: z.number().int().min(1).max(1_000_000).nullable() }))
    .output(usageSchema)
    .mutation(async ({ ctx, input }) => {
      await setQuota(ctx.actor, input.name, input.limit);
      return getUsage(ctx.actor);
    }),
});
