import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { AppError } from "../../lib/errors";
import { hit } from "../../quotas/rate-limit";
import { checkHealth, healthSchema } from "../../system/health";
import { getProbe, MAX_PROBE_DURATION_MS, PROBES_PER_MINUTE, startProbe } from "../../system/probe";
import { protectedProcedure, publicProcedure, router, workspaceProcedure } from "../init";
import { ws } from "./shared";

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
  // Writes a row and occupies a worker: only members of a workspace, and a few per minute each.
  startProbe: workspaceProcedure
    .input(ws.extend({ durationMs: z.number().int().min(0).max(MAX_PROBE_DURATION_MS).default(0) }))
    .output(probeSchema)
    .mutation(async ({ ctx, input }) => {
      const decision = await hit(`probe:user:${ctx.userId}`, PROBES_PER_MINUTE);
      if (!decision.allowed) {
        throw new AppError("rate_limited", `You started more than ${PROBES_PER_MINUTE} queue checks this minute.`, {
          hint: `Wait ${decision.retryAfterS} s and run the check again.`,
          retryAfterS: decision.retryAfterS,
        });
      }
      return startProbe(input.durationMs);
    }),
  probe: protectedProcedure
    .input(z.object({ id: z.string().uuid() }))
    .output(probeSchema)
    .query(async ({ input }) => {
      const probe = await getProbe(input.id);
      if (!probe) throw new TRPCError({ code: "NOT_FOUND", message: `No probe ${input.id}.` });
      return probe;
    }),
});
