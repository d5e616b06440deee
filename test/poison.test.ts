import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../server/db/client";
import { sendMessage } from "../server/messaging/messages";
import { createLogger } from "../server/observability/logger";
import type { JobDefinition } from "../server/queue/jobs";
import { startWorkerPool } from "../server/queue/worker";
import { createRedis, quietQuit } from "../server/redis";
import { findDefinition } from "../worker/handlers";
import { eventually, useTestEnvironment } from "./support/env";
import { createWorkspaceWithRoles } from "./support/identity";

// A message whose delivery always throws (a poison message) must end as a FAILURE with the
// reason after its bounded attempts, and must not hold up the messages behind it.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let pool: ReturnType<typeof startWorkerPool>;
let connection: ReturnType<typeof createRedis>;
const attempts: string[] = [];

beforeAll(async () => {
  environment = await useTestEnvironment("poison");
  connection = createRedis("worker");
  const deliver = findDefinition("message.deliver") as JobDefinition<{ messageId: string }>;
  const poisoned: JobDefinition<{ messageId: string }> = {
    ...deliver,
    async handle(data, context) {
      const message = await getDb().message.findUniqueOrThrow({ where: { id: data.messageId } });
      attempts.push(data.messageId);
      if (message.content === "poison") throw new Error("the handler choked on this message");
      return deliver.handle(data, context);
    },
  };
  pool = startWorkerPool({
    connection,
    prefix: environment.env.CAXTON_REDIS_PREFIX,
    concurrency: 2,
    workerId: "poison-test",
    logger: createLogger("test", { level: "silent" }),
    findDefinition: (name) => (name === deliver.name ? (poisoned as JobDefinition<unknown>) : undefined),
  });
  await pool.ready();
});
afterAll(async () => {
  await pool?.close(5_000);
  if (connection) await quietQuit(connection);
  await environment?.cleanup();
});

describe("a poison message", () => {
  it("ends as FAILURE with the reason after bounded retries, and the next message is still delivered", async () => {
    const ws = await createWorkspaceWithRoles("poison");
    const owner = await ws.actor("owner");
    const poison = await sendMessage(owner, { capability: "anything", content: "poison" });
    const next = await sendMessage(owner, { capability: "anything", content: "fine" });

    const failed = await eventually(async () => {
      const row = await getDb().message.findUniqueOrThrow({ where: { id: poison.message.id } });
      return row.status === "failed" ? row : null;
    }, 20_000);
    expect(failed.error).toBe("the handler choked on this message (after 3 attempts)");
    expect(attempts.filter((id) => id === poison.message.id)).toHaveLength(3);
    const replies = await getDb().message.findMany({ where: { inReplyToId: poison.message.id } });
    expect(replies).toEqual([
      expect.objectContaining({
        performative: "FAILURE",
        senderLabel: "router",
        content: { reason: "The message could not be delivered: the handler choked on this message (after 3 attempts)" },
      }),
    ]);

    // Not blocked behind it: answered (no agent offers "anything": a FAILURE from the router).
    const delivered = await eventually(
      async () => (await getDb().message.findUniqueOrThrow({ where: { id: next.message.id } })).status === "failed",
      10_000,
    );
    expect(delivered).toBe(true);
    expect(attempts.filter((id) => id === next.message.id)).toHaveLength(1);
  });
});
