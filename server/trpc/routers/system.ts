import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { checkHealth, healthSchema } from "../../system/health";
import { getProbe, startProbe } from "../../system/probe";
import { publicProcedure, router } from "../init";

const probeSchema = z.object({
  id: z.string(),
  status: z.enum(["queued", "running", "completed"]),
  durationMs: z.number(),
  workerId: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  roundTripMs: z.number().nullable(),
});

export const systemRouter = router({
  health: publicProcedure.output(healthSchema).query(() => checkHealth()),
  startProbe: publicProcedure
    .input(z.object({ durationMs: z.number().int().min(0).max(10_000).default(0) }))
    .output(probeSchema)
    .mutation(({ input }) => startProbe(input.durationMs)),
  probe: publicProcedure
    .input(z.object({ id: z.string().uuid() }))
    .output(probeSchema)
    .query(async ({ input }) => {
      const probe = await getProbe(input.id);
      if (!probe) throw new TRPCError({ code: "NOT_FOUND", message: `No probe ${input.id}.` });
      return probe;
    }),
});
