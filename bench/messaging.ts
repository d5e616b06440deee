// `tsx bench/messaging.ts` (part of `npm run bench`): messages and routing, each figure next to its budget.
//   1. routing decision (index lookup + strategy) with 10,000 agents over 1,000 capabilities: p95
//   2. POST /api/v1/messages (wait) to the stored reply of a tool agent, 50 concurrent senders: p50/p95/p99
//   3. sustained throughput of tool-agent messages with one worker process: messages per second
// The delegation chain (added latency per hop) is bench/delegation.ts. Loopback only.
import type { AgentConfig } from "../server/agents/schema";
import { buildCapabilityIndex } from "../server/routing/capabilities";
import { choose } from "../server/routing/strategies";
import { createReport, jsonClient, percentile, runBench, startBenchPlatform } from "./support";

const { report, summary } = createReport();
const ms = (x: number) => `${x.toFixed(x < 10 ? 3 : 0)} ms`;

async function benchRouting() {
  const agents = Array.from({ length: 10_000 }, (_, i) => ({
    id: `agent-${i}`,
    name: `agent-${i}`,
    versionId: `v-${i}`,
    versionNumber: 1,
    config: {
      capabilities: [`cap-${i % 1_000}`, `cap-${(i * 7) % 1_000}:v${1 + (i % 3)}`],
      routing: { strategy: "single", weight: 1 },
    } as unknown as AgentConfig,
  }));
  const built = performance.now();
  const index = buildCapabilityIndex(agents);
  const buildMs = performance.now() - built;
  const times: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const capability = i % 2 ? `cap-${(i * 31) % 1_000}` : `cap-${(i * 17) % 1_000}:v${1 + (i % 3)}`;
    const started = performance.now();
    const decision = await choose("bench", capability, index.providers(capability));
    times.push(performance.now() - started);
    if (decision.chosen.length !== 1) throw new Error(`no provider for ${capability}`);
  }
  const p95 = percentile(times.slice(2_000), 95);
  report(
    "routing decision, 10,000 agents / 1,000 capabilities, p95",
    ms(p95),
    "p95 < 1 ms",
    p95 < 1,
    `p50 ${ms(percentile(times.slice(2_000), 50))}; index built in ${ms(buildMs)}`,
  );
}

const toolAgent = `name = "counter"
version = "1.0.0"
description = "Counts words."
capabilities = ["count-words"]

[handler]
tool = "word-count"
`;

async function benchEndToEnd(databaseUrl: string, redisUrl: string) {
  const platform = await startBenchPlatform("messaging", databaseUrl, redisUrl, {
    CAXTON_QUOTA_MESSAGES_PM: "1000000",
    CAXTON_QUOTA_API_RPM: "1000000",
    CAXTON_WORKER_CONCURRENCY: "50",
  });
  const { server, token } = platform;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const client = jsonClient(server.url, { authorization: `Bearer ${token}` });
  const send = async (wait: number) => {
    const response = await client.request("POST", "/api/v1/messages", { capability: "count-words", content: "the quick brown fox", wait });
    if (response.status !== 200) throw new Error(`POST /messages answered ${response.status}: ${JSON.stringify(response.json)}`);
    return response.json as { message: { id: string; status: string }; replies: unknown[] };
  };
  try {
    const pushed = await fetch(`${server.url}/api/v1/agents`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/toml" },
      body: toolAgent,
    });
    if (pushed.status !== 200) throw new Error(`pushing the agent failed: ${await pushed.text()}`);
    for (let i = 0; i < 20; i++) await send(10);

    // 2. latency with 50 senders, each sending one message after the other.
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        for (let i = 0; i < 10; i++) {
          const started = performance.now();
          const sent = await send(10);
          times.push(performance.now() - started);
          if (sent.replies.length !== 1) throw new Error(`no reply within the wait: ${JSON.stringify(sent.message)}`);
        }
      }),
    );
    const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(times, p)) as [number, number, number];
    report(
      "POST /messages -> stored tool-agent reply, 50 senders, p95",
      ms(p95),
      "p95 < 50 ms",
      p95 < 50,
      `500 messages: p50 ${ms(p50)}, p99 ${ms(p99)}`,
    );

    // 3. throughput: queue 2,000 as fast as 50 senders can, until every one is answered.
    const total = 2_000;
    const ids: string[] = [];
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < total) {
          next++;
          ids.push((await send(0)).message.id);
        }
      }),
    );
    const { default: pg } = await import("pg");
    const { splitSchema } = await import("../server/db/url");
    const split = splitSchema(platform.env.DATABASE_URL);
    const client = new pg.Client({ connectionString: split.connectionString });
    await client.connect();
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM "${split.schema}"."Message" WHERE "performative" = 'REQUEST' AND "status" IN ('answered', 'failed') AND "id" = ANY($1)`,
        [ids],
      );
      if (rows[0].n >= ids.length) break;
      if (Date.now() > deadline) throw new Error(`only ${rows[0].n} of ${ids.length} answered in 120 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await client.end();
    const perSecond = total / ((performance.now() - started) / 1000);
    report(
      "tool-agent messages per second, one worker",
      `${perSecond.toFixed(0)}/s`,
      ">= 1,000/s",
      perSecond >= 1_000,
      `${total} messages, worker concurrency 50, 2 cores shared with the web process and Postgres`,
    );
  } finally {
    client.close();
    await platform.stop();
  }
}

runBench(summary, async (services) => {
  await benchRouting();
  await benchEndToEnd(services.databaseUrl, services.redisUrl);
});
