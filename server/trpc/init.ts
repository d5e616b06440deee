import { initTRPC } from "@trpc/server";

/** Request context. Sessions and workspaces join it with the identity work. */
export interface Context {
  headers: Headers;
}

export const createContext = (opts: { req: Request }): Context => ({ headers: opts.req.headers });

const t = initTRPC.context<Context>().create();

export const router = t.router;
export const publicProcedure = t.procedure;
