import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../server/db/client";
import { setQuota } from "../server/quotas/quotas";
import { runToolAsAgent } from "../server/runtime/agent-tools";
import { executeInvocation, runVersion } from "../server/tools/execute";
import { recordInvocation } from "../server/tools/invoke";
import { runTool } from "../server/tools/runs";
import { closeSandbox } from "../server/tools/sandbox-instance";
import { uploadTool } from "../server/tools/tools";
import { useTestEnvironment } from "./support/env";
import { createWorkspaceWithRoles, refusal, type WorkspaceFixture } from "./support/identity";
import { sampleJsTool } from "./support/tools";
import { workerProcesses } from "./support/worker-processes";

// A direct run (REST, tRPC, MCP, CLI) and an agent's tool call take one path: the same quota
// decision and message, the same invocation row, and, in the worker, statements scoped to the
// workspace the job names.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let ws: WorkspaceFixture;
let other: WorkspaceFixture;
const workers = workerProcesses(() => environment.env);

beforeAll(async () => {
  environment = await useTestEnvironment("tool_invocation_path");
  ws = await createWorkspaceWithRoles("invocation_path");
  other = await createWorkspaceWithRoles("invocation_path_other");
  await uploadTool(await ws.actor("owner"), sampleJsTool("upper"));
  await workers.start();
});
afterAll(async () => {
  workers.killAll();
  await closeSandbox();
  await environment?.cleanup();
});

const upper = async () => {
  const tool = await getDb().tool.findFirstOrThrow({ where: { workspaceId: ws.workspace.id, liveName: "upper" } });
  return { id: tool.id, name: "upper", versionId: tool.activeVersionId! };
};

/** What a row says about its call, beyond who made it. */
const shapeOf = (row: Record<string, unknown>) => ({
  keys: Object.keys(row).sort(),
  status: row.status,
  input: row.input,
  output: row.output,
  diagnostic: row.diagnostic,
  attempts: row.attempts,
  ran: typeof row.durationMs === "number",
  completed: row.completedAt instanceof Date,
});

describe("one tool invocation path", () => {
  it("records a direct run and an agent's call the same way, who called aside", async () => {
    const owner = await ws.actor("owner");
    const tool = await upper();
    for (const input of [{ text: "hi" }, { txt: "typo" }]) {
      const direct = await runTool(owner, "upper", input);
      const agent = await runToolAsAgent(ws.workspace.id, "helper", tool, input);
      const [directRow, agentRow] = await Promise.all(
        [direct.id, agent.invocationId!].map((id) => getDb().toolInvocation.findUniqueOrThrow({ where: { id } })),
      );
      expect(shapeOf(agentRow!)).toEqual(shapeOf(directRow!));
      expect(directRow).toMatchObject({ callerType: "user", attempts: 1 });
      expect(agentRow).toMatchObject({ callerType: "agent", callerLabel: "helper" });
    }
  });

  it("refuses a direct run and an agent's call past the day's tool time with the same message, recording neither", async () => {
    const spent = await createWorkspaceWithRoles("invocation_path_spent");
    const owner = await spent.actor("owner");
    await uploadTool(owner, sampleJsTool("upper"));
    await setQuota(owner, "tool_cpu_ms_per_day", 0);
    const tool = await getDb().tool.findFirstOrThrow({ where: { workspaceId: spent.workspace.id, liveName: "upper" } });

    const direct = await refusal(() => runTool(owner, "upper", { text: "a" }));
    expect(direct).toMatchObject({
      code: "quota_exceeded",
      status: 409,
      extra: { hint: expect.stringContaining("00:00 UTC"), retryAfterS: expect.any(Number) },
    });
    const agent = await runToolAsAgent(
      spent.workspace.id,
      "helper",
      { id: tool.id, name: "upper", versionId: tool.activeVersionId! },
      { text: "a" },
    );
    expect(agent).toMatchObject({ ok: false, invocationId: null, message: direct!.message });
    expect(agent.ok === false && agent.diagnostic).toEqual({
      kind: "quota_exceeded",
      limit: 0,
      observed: 0,
      message: `${direct!.message} ${direct!.extra.hint}`,
    });
    expect(direct!.message).toBe('This workspace has used its 0 ms of tool run time for today (quota "tool_cpu_ms_per_day"; used 0 ms).');
    expect(await getDb().toolInvocation.count({ where: { workspaceId: spent.workspace.id } })).toBe(0);
  });

  it("in the worker, reaches nothing of a workspace other than the one its job names", async () => {
    const tool = await upper();
    const queued = await getDb().toolInvocation.create({
      data: {
        workspaceId: ws.workspace.id,
        toolId: tool.id,
        toolVersionId: tool.versionId,
        callerType: "user",
        callerLabel: "test",
        input: { text: "mine" },
      },
    });
    await executeInvocation(queued.id, other.workspace.id);
    expect(await getDb().toolInvocation.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({
      status: "queued",
      attempts: 0,
      output: null,
    });
    await expect(runVersion(other.workspace.id, tool.versionId, { text: "x" })).rejects.toThrow();
    // A result written under another workspace's id does not land on this row.
    const forged = await recordInvocation({
      id: queued.id,
      workspaceId: other.workspace.id,
      toolId: tool.id,
      toolVersionId: tool.versionId,
      caller: { type: "agent", label: "x" },
      input: null,
      result: { ok: true, output: "forged", durationMs: 1 },
      attempts: 1,
    });
    expect(forged).toBe(false);
    expect(await getDb().toolInvocation.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({ status: "queued", output: null });
    // Its own workspace's job runs it.
    await executeInvocation(queued.id, ws.workspace.id);
    expect(await getDb().toolInvocation.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({
      status: "ok",
      attempts: 1,
      output: { upper: "MINE" },
    });
  });
});
