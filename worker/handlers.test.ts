import { describe, expect, it } from "vitest";
import { bindJobs, jobs, type JobHandlers } from "../server/queue/jobs";
import { findDefinition, handlers } from "./handlers";

// Job contracts (server/queue/jobs.ts) and their handlers (here) are apart; the worker binds
// them. The type checks below are part of `npm run typecheck`: a `@ts-expect-error` whose
// error went away fails it.

describe("job handlers", () => {
  it("bind one handler to every job contract, by job name", () => {
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(jobs).sort());
    for (const contract of Object.values(jobs)) {
      const definition = findDefinition(contract.name);
      expect(definition, contract.name).toMatchObject({ name: contract.name, queue: contract.queue, options: contract.options });
      expect(typeof definition?.handle).toBe("function");
    }
    expect(findDefinition("no.such.job")).toBeUndefined();
  });

  it("do not compile when a job has no handler, or a handler reads data its schema lacks", () => {
    const handle = async () => undefined;
    // @ts-expect-error messageDeliver has no handler
    const missing: JobHandlers = { systemProbe: { handle }, toolRun: { handle } };
    const wrongData = {
      systemProbe: { handle },
      toolRun: { handle },
      // @ts-expect-error message.deliver's data has no `invocationId`
      messageDeliver: { handle: async (data: { invocationId: string }) => data.invocationId },
    } satisfies JobHandlers;
    expect(bindJobs({ ...missing, messageDeliver: { handle } })("message.deliver")).toBeDefined();
    expect(wrongData).toBeDefined();
  });
});
