import { router } from "./init";
import { systemRouter } from "./routers/system";

/** Every domain router, wired in one place. */
export const appRouter = router({
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
