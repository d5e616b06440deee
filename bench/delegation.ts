// `tsx bench/delegation.ts` (part of `npm run bench`): the cost of one delegation hop.
// A chain of 3 agents: A (scripted mock) asks B (scripted mock), which asks C (a tool agent
// over word-count). One sender sends to C directly, to B (1 hop) and to A (2 hops), in turn,
// and the added latency per hop is (A - C) / 2, with each hop shown on its own. No budget is set
// for it: report only. Loopback only; the mock keeps any model time out of it.
import { createReport, percentile, runBench, startBenchPlatform } from "./support";

const { report, summary } = createReport();
const ms = (x: number) => `${x.toFixed(1)} ms`;
const WARMUP = 20;
const SAMPLES = 200;

const toolAgent = `name = "chain-c"
version = "1.0.0"
description = "End of the chain: counts words."
capabilities = ["chain-c"]

[handler]
tool = "word-count"
`;

/** A scripted mock that asks `next` and answers with what it said. */
const askingAgent = (name: string, next: string) => `name = "${name}"
version = "1.0.0"
description = "Asks ${next} and passes its answer on."
capabilities = ["${name}"]
system_prompt = "Ask ${next}."

[llm]
provider = "mock"
model = "scripted"

[[llm.script]]
call = "ask"
input = { capability = "${next}", request = "{{request}}" }

[[llm.script]]
reply = "{{result.1.content}}"
`;

async function benchChain(databaseUrl: string, redisUrl: string) {
  const platform = await startBenchPlatform("delegation", databaseUrl, redisUrl, {
    CAXTON_QUOTA_MESSAGES_PM: "1000000",
    CAXTON_QUOTA_API_RPM: "1000000",
  });
  const { server, token } = platform;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const send = async (capability: string) => {
    const started = performance.now();
    const response = await fetch(`${server.url}/api/v1/messages`, {
      method: "POST",
      headers,
      body: JSON.stringify({ capability, content: "the quick brown fox", wait: 10 }),
    });
    if (response.status !== 200) throw new Error(`POST /messages answered ${response.status}: ${await response.text()}`);
    const sent = (await response.json()) as { replies: { performative: string; content: unknown }[] };
    const elapsed = performance.now() - started;
    const reply = sent.replies[0];
    if (reply?.performative !== "INFORM" || !JSON.stringify(reply.content).includes("words"))
      throw new Error(`${capability} did not answer with the count: ${JSON.stringify(sent.replies)}`);
    return elapsed;
  };
  try {
    for (const source of [toolAgent, askingAgent("chain-b", "chain-c"), askingAgent("chain-a", "chain-b")]) {
      const pushed = await fetch(`${server.url}/api/v1/agents`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/toml" },
        body: source,
      });
      if (pushed.status !== 200) throw new Error(`pushing an agent failed: ${await pushed.text()}`);
    }
    const capabilities = ["chain-c", "chain-b", "chain-a"] as const;
    const times: Record<(typeof capabilities)[number], number[]> = { "chain-c": [], "chain-b": [], "chain-a": [] };
    // Interleaved, so a slow moment of the shared machine lands on all three alike.
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      for (const capability of capabilities) {
        const elapsed = await send(capability);
        if (i >= WARMUP) times[capability].push(elapsed);
      }
    }
    const at = (capability: (typeof capabilities)[number], p: number) => percentile(times[capability], p);
    const none = "none (report only)";
    report("send to C (tool agent), no hop, p50", ms(at("chain-c", 50)), none, true, `p95 ${ms(at("chain-c", 95))}; ${SAMPLES} samples`);
    report("send to B (mock asks C), 1 hop, p50", ms(at("chain-b", 50)), none, true, `p95 ${ms(at("chain-b", 95))}`);
    report("send to A (mock asks B asks C), 2 hops, p50", ms(at("chain-a", 50)), none, true, `p95 ${ms(at("chain-a", 95))}`);
    for (const p of [50, 95]) {
      const perHop = (at("chain-a", p) - at("chain-c", p)) / 2;
      report(
        `added latency per delegation hop, p${p}`,
        ms(perHop),
        none,
        true,
        `hop 1 (B - C) ${ms(at("chain-b", p) - at("chain-c", p))}, hop 2 (A - B) ${ms(at("chain-a", p) - at("chain-b", p))}`,
      );
    }
  } finally {
    await platform.stop();
  }
}

runBench(summary, (services) => benchChain(services.databaseUrl, services.redisUrl));
