import { describe, expect, it } from "vitest";
import type { AgentConfig } from "../agents/schema";
import { buildCapabilityIndex, noProviderReason, parseCapability } from "./capabilities";

const agent = (name: string, capabilities: string[]) => ({
  id: `id-${name}`,
  name,
  versionId: `v-${name}`,
  versionNumber: 1,
  config: { capabilities, routing: { strategy: "single", weight: 1 } } as unknown as AgentConfig,
});

describe("the capability index", () => {
  const index = buildCapabilityIndex([
    agent("b-plain", ["summarize"]),
    agent("a-v2", ["summarize:v2"]),
    agent("c-v3", ["summarize:v3", "translate"]),
  ]);
  const names = (capability: string) => index.providers(capability).map((p) => p.agentName);

  it("parses versioned capabilities", () => {
    expect(parseCapability("summarize:v2")).toEqual({ name: "summarize", version: 2 });
    expect(parseCapability("summarize")).toEqual({ name: "summarize", version: null });
  });

  it("serves a plain request by unversioned providers first, then the newest versions", () => {
    expect(names("summarize")).toEqual(["b-plain", "c-v3", "a-v2"]);
  });

  it("serves a versioned request by the exact version, then the nearest newer one, never an older one", () => {
    expect(names("summarize:v2")).toEqual(["a-v2", "c-v3"]);
    expect(names("summarize:v1")).toEqual(["a-v2", "c-v3"]);
    expect(names("summarize:v3")).toEqual(["c-v3"]);
    expect(names("summarize:v4")).toEqual([]);
  });

  it("names the nearest offered capabilities with how many agents offer each", () => {
    expect(index.providers("sumarize")).toEqual([]);
    expect(index.nearest("sumarize")).toContainEqual({ capability: "summarize", agents: 1 });
    expect(index.nearest("summarize:v4").map((n) => n.capability)).toEqual(expect.arrayContaining(["summarize:v2", "summarize:v3"]));
  });
});

describe("the reason nobody offers a capability", () => {
  it("lists everything the workspace offers, nearest first, however far the request is", () => {
    const index = buildCapabilityIndex([agent("counter", ["count-words"]), agent("echo", ["echo"]), agent("echo-2", ["echo"])]);
    const answer = noProviderReason(index, "translate-to-klingon");
    expect(answer.reason).toBe('No agent offers "translate-to-klingon". Nearest: count-words (1 agent), echo (2 agents).');
    expect(answer.reason).not.toContain("anything yet");
    expect(answer).toMatchObject({
      more: 0,
      nearest: [
        { capability: "count-words", agents: 1 },
        { capability: "echo", agents: 2 },
      ],
    });
    expect(noProviderReason(index, "count-wordz").nearest[0]).toEqual({ capability: "count-words", agents: 1 });
  });

  it("names the nearest five and how many more when the workspace offers many", () => {
    const offered = ["summarize", "summarize-short", "translate", "classify", "triage", "research", "echo", "count-words"];
    const index = buildCapabilityIndex(offered.map((c) => agent(`agent-${c}`, [c])));
    const answer = noProviderReason(index, "summarise");
    expect(answer.nearest.map((n) => n.capability)).toHaveLength(5);
    expect(answer.nearest.slice(0, 2).map((n) => n.capability)).toEqual(["summarize", "summarize-short"]);
    expect(answer.more).toBe(3);
    expect(answer.reason).toMatch(
      /^No agent offers "summarise"\. Nearest: summarize \(1 agent\), summarize-short \(1 agent\), .+, and 3 more capabilities\.$/,
    );
  });

  it("says there is nothing only when no agent offers anything", () => {
    const answer = noProviderReason(buildCapabilityIndex([]), "summarize");
    expect(answer.reason).toContain('No agent offers "summarize". No agent in this workspace offers anything yet');
    expect(answer.nearest).toEqual([]);
  });
});
