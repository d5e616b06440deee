/** A valid agent document for tests; `overrides` replace whole top-level lines by key. */
export function sampleAgent(name: string, overrides: { description?: string; version?: string; capabilities?: string[] } = {}): string {
  return `name = "${name}"
version = "${overrides.version ?? "1.0.0"}"
description = "${overrides.description ?? "Summarizes documents in three bullets."}"
capabilities = ${JSON.stringify(overrides.capabilities ?? ["summarize"])}
system_prompt = """You summarize text in three bullet points."""

[llm]
provider = "mock"
model = "scripted"
`;
}
