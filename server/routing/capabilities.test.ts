import { describe, expect, it } from "vitest";
import type { AgentConfig } from "../agents/schema";
import { buildCapabilityIndex, parseCapability } from "./capabilities";

const agent = (name: string, capabilities: string[]) => ({
  id: `id-${name}`,
  name,
  versionId: `v-${name}`,
  versionNumber: 1,
  config: { capabilities, routing: { strategy: "single", weight: 1 } } as unknown as AgentConfig,
});

describe("the capability index", () => {
  const index = buildCapabilityIndex([agent("b-plain", ["summarize"]), agent("a-v2", ["summarize:v2"]), agent("c-v3", ["summarize:v3", "translate"])]);
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
