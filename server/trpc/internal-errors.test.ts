import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it, vi } from "vitest";
import { createDispatcher } from "../api/dispatch";
import { route } from "../api/route";

// init.ts reaches Auth.js, whose `server-only` marker throws outside a React server bundle.
vi.mock("server-only", () => ({}));
const { publicProcedure, router } = await import("./init");

/** An unexpected failure whose text names internals: it must reach the log, never the caller. */
const internalText = 'Invalid `prisma.secret.findFirst()` invocation: relation "secret" at 10.0.0.7';

describe("the last line of defence", () => {
  it("answers tRPC's INTERNAL_SERVER_ERROR with a generic message and a request id", async () => {
    const appRouter = router({
      boom: publicProcedure.query(() => {
        throw new Error(internalText);
      }),
    });
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request("http://127.0.0.1/api/trpc/boom"),
      router: appRouter,
      createContext: async () => ({ userId: null }),
    });
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(text).not.toContain("prisma");
    expect(JSON.parse(text).error).toMatchObject({
      message: "Something went wrong on our side.",
      data: { code: "INTERNAL_SERVER_ERROR", hint: expect.stringMatching(/report request [0-9a-f-]{36}/) },
    });
  });

  it("answers REST with the one error shape, 500 `internal`, and nothing of the error's text", async () => {
    const dispatch = createDispatcher([
      route({
        method: "GET",
        path: "/boom",
        tag: "x",
        summary: "x",
        auth: false,
        async handler() {
          throw new Error(internalText);
        },
      }),
    ]);
    const response = await dispatch(new Request("http://127.0.0.1/api/v1/boom"));
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(text).not.toContain("prisma");
    expect(JSON.parse(text)).toEqual({
      error: {
        code: "internal",
        message: "Something went wrong on our side.",
        hint: expect.stringMatching(/report request [0-9a-f-]{36}/),
      },
    });
  });
});
