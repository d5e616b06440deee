import { z } from "zod";

/**
 * What an agent document may say: the single source of validation (validate.ts), the
 * published JSON Schema (GET /api/v1/schemas/agent.json) and docs/agent-config.md. Each
 * field carries its description and an example so the three never disagree.
 *
 * Objects are strict: an unknown key is a mistake worth reporting ("did you mean"), not
 * something to drop silently.
 */

export const AGENT_NAME_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;
export const TOOL_NAME_PATTERN = AGENT_NAME_PATTERN;
/** `summarize`, or `summarize:v2` to offer a specific version of a capability. */
export const CAPABILITY_PATTERN = /^[a-z][a-z0-9_.-]*(:v[1-9][0-9]*)?$/;
// semver.org's pattern, without the named groups.
const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Placeholders a `user_prompt_template` may use, filled by the runtime on each turn. */
export const PROMPT_PLACEHOLDERS = ["request", "context", "memory"] as const;

export const llmProviders = ["openai", "anthropic", "mock"] as const;
export const routingStrategies = ["single", "broadcast", "round-robin", "least-loaded", "weighted"] as const;
export const memoryScopes = ["agent", "conversation", "workspace"] as const;

const name = (what: string) =>
  z
    .string()
    .min(2)
    .max(63)
    .regex(AGENT_NAME_PATTERN, `${what} names use lowercase letters, digits and dashes, start with a letter and do not end with a dash`);

/** Names the dashboard's paths use (`/agents/new` is the template gallery). */
export const RESERVED_AGENT_NAMES = ["new"] as const;

export const agentNameSchema = name("Agent").refine((value) => !(RESERVED_AGENT_NAMES as readonly string[]).includes(value), {
  message: "this name is reserved (the dashboard's /agents/new creates agents); pick another name",
});
export const toolNameSchema = name("Tool");

const mockScriptEntrySchema = z
  .strictObject({
    call: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({
        description:
          "Makes this entry a tool call: `ask` (delegate to another capability) or one of the agent's `tools`. An entry has either `call` or `reply`.",
        examples: ["ask"],
      }),
    input: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({
        description:
          "The call's arguments (`ask` takes `capability` and `request`). Strings may use `{{request}}`, `{{result.N}}` and `{{result.N.field}}`; a string that is exactly one placeholder passes the value itself (a number, a table).",
        examples: [{ capability: "count-words", request: "{{request}}" }],
      }),
    reply: z
      .string()
      .min(1)
      .max(100_000)
      .optional()
      .meta({
        description:
          "Makes this entry the final answer, labelled `[mock reply from NAME]`. May use `{{request}}`, `{{result.N}}` and `{{result.N.field}}` (the Nth call's result, or a field inside it).",
        examples: ["{{result.1.content.words}} words"],
      }),
  })
  .meta({
    description:
      "One model call of the `mock` provider: a tool call (`call`, `input`) or the final `reply`. Each model call takes the next entry; when none is left, the mock answers with its labelled echo of the request.",
  });

const llmSchema = z
  .strictObject({
    provider: z.enum(llmProviders).meta({
      description:
        "`openai` speaks the OpenAI-compatible chat completions API (OpenAI, Ollama, vLLM, LM Studio, llama.cpp server); `anthropic` the Anthropic messages API; `mock` replies from a script, for offline demos and tests.",
      examples: ["openai"],
    }),
    model: z
      .string()
      .min(1)
      .max(200)
      .meta({ description: "The provider's model name.", examples: ["gpt-4o-mini"] }),
    temperature: z
      .number()
      .min(0)
      .max(2)
      .optional()
      .meta({ description: "Sampling temperature, 0 to 2.", examples: [0.2] }),
    max_tokens: z
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .meta({ description: "Upper bound on the tokens of one reply.", examples: [1024] }),
    stream: z
      .boolean()
      .default(true)
      .meta({
        description:
          "Stream the model's answer, so the dashboard shows the reply as it is written. The stored reply is the same either way. Set `false` for a server that cannot stream.",
        examples: [true],
      }),
    base_url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .meta({
        description: "Where the provider's API lives, for self-hosted or compatible servers.",
        examples: ["http://127.0.0.1:11434/v1"],
      }),
    api_key_secret: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, "Secret names use uppercase letters, digits and underscores")
      .optional()
      .meta({
        description: "Name of the workspace secret that holds the provider's API key. Keys never appear in agent files.",
        examples: ["OPENAI_API_KEY"],
      }),
    script: z.array(mockScriptEntrySchema).min(1).max(100).optional().meta({
      description:
        'Only with `provider = "mock"`: the scripted model, one `[[llm.script]]` table per model call. Without it the mock echoes the request, labelled.',
    }),
  })
  .meta({ description: "The language model an LLM agent thinks with. An agent has either `[llm]` or `[handler]`." });

const handlerSchema = z
  .strictObject({
    tool: toolNameSchema.meta({
      description: "The tool that handles every message, given the message content as input.",
      examples: ["word-count"],
    }),
  })
  .meta({ description: "Makes this a tool agent: deterministic, no LLM. An agent has either `[llm]` or `[handler]`." });

const routingSchema = z
  .strictObject({
    strategy: z
      .enum(routingStrategies)
      .default("single")
      .meta({
        description: "How a message for one of this agent's capabilities picks among the agents that offer it.",
        examples: ["round-robin"],
      }),
    weight: z
      .int()
      .min(1)
      .max(1000)
      .default(1)
      .meta({ description: "Share of traffic under the `weighted` strategy.", examples: [1] }),
  })
  .meta({ description: "How messages are spread over the agents that offer the same capability." });

const limitsSchema = z
  .strictObject({
    max_steps: z
      .int()
      .min(1)
      .max(100)
      .default(8)
      .meta({ description: "Most LLM calls (tool-calling rounds) in one turn.", examples: [8] }),
    timeout_ms: z
      .int()
      .min(100)
      .max(600_000)
      .default(60_000)
      .meta({ description: "Longest one turn may take, in milliseconds.", examples: [60000] }),
    max_depth: z
      .int()
      .min(1)
      .max(32)
      .default(8)
      .meta({ description: "Deepest chain of delegations a conversation may reach through this agent.", examples: [8] }),
    max_concurrent: z
      .int()
      .min(1)
      .max(1000)
      .default(10)
      .meta({ description: "Most turns of this agent running at once.", examples: [10] }),
  })
  .meta({ description: "Bounds on one turn of this agent." });

const memorySchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .meta({ description: "Give the agent long-term memory.", examples: [true] }),
    scope: z
      .enum(memoryScopes)
      .default("agent")
      .meta({ description: "Whose memories the agent reads and writes.", examples: ["agent"] }),
    top_k: z
      .int()
      .min(1)
      .max(50)
      .default(5)
      .meta({ description: "How many memories are recalled into `{{memory}}`.", examples: [5] }),
    min_score: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .meta({ description: "Least similarity (0 to 1) for a memory to be recalled.", examples: [0.5] }),
  })
  .meta({ description: "Long-term memory in Postgres + pgvector." });

const agentTestSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(200)
      .meta({ description: "What the test checks.", examples: ["summarizes in three bullets"] }),
    input: z
      .string()
      .min(1)
      .meta({ description: "The message content sent to the agent.", examples: ["Caxton routes messages by capability."] }),
    expect_contains: z
      .array(z.string())
      .optional()
      .meta({ description: "Texts the reply must contain.", examples: [["•"]] }),
    expect_not_contains: z
      .array(z.string())
      .optional()
      .meta({ description: "Texts the reply must not contain.", examples: [["error"]] }),
    expect_matches: z
      .string()
      .optional()
      .meta({ description: "A regular expression the reply must match.", examples: ["^- "] }),
    expect_tools: z
      .array(toolNameSchema)
      .optional()
      .meta({ description: "Tools the agent must call.", examples: [["word-count"]] }),
  })
  .meta({ description: "A test case for the testing framework: an input and what the reply must satisfy." });

export const agentConfigSchema = z
  .strictObject({
    name: agentNameSchema.meta({ description: "The agent's name, unique in its workspace.", examples: ["summarizer"] }),
    version: z
      .string()
      .regex(SEMVER_PATTERN, "Versions are semantic versions like 1.2.0")
      .meta({ description: "The author's semantic version of this document.", examples: ["1.2.0"] }),
    description: z
      .string()
      .min(1)
      .max(1000)
      .meta({ description: "What the agent does, in a sentence.", examples: ["Summarizes documents in three bullets."] }),
    capabilities: z
      .array(
        z.string().regex(CAPABILITY_PATTERN, "Capabilities are lowercase words like `summarize`, optionally versioned like `summarize:v2`"),
      )
      .min(1, "An agent offers at least one capability")
      .max(100)
      .meta({
        description: "What messages this agent answers. A version suffix (`summarize:v2`) offers that version of the capability.",
        examples: [["summarize", "summarize:v2"]],
      }),
    tools: z
      .array(toolNameSchema)
      .max(100)
      .default([])
      .meta({ description: "Tools the agent may call.", examples: [["word-count"]] }),
    system_prompt: z
      .string()
      .min(1)
      .max(100_000)
      .optional()
      .meta({
        description: "Required for LLM agents. Top-level: write it before the first table header.",
        examples: ["You summarize text in three bullet points."],
      }),
    user_prompt_template: z
      .string()
      .min(1)
      .max(100_000)
      .optional()
      .meta({
        description:
          "How each request is put to the model; may use `{{request}}`, `{{context}}` and `{{memory}}`. Default: the request itself.",
        examples: ["Summarize:\n{{request}}"],
      }),
    llm: llmSchema.optional(),
    handler: handlerSchema.optional(),
    routing: routingSchema.prefault({}),
    limits: limitsSchema.prefault({}),
    memory: memorySchema.prefault({}),
    tests: z.array(agentTestSchema).max(200).default([]).meta({ description: "Test cases, written as `[[tests]]` tables." }),
  })
  .meta({
    title: "Caxton agent",
    description:
      "An agent document. Top-level keys come before the first table header: TOML puts every key after `[llm]` into the `llm` table.",
  });

/** An agent document after validation, defaults filled in. */
export type AgentConfig = z.output<typeof agentConfigSchema>;
export type MockScriptEntry = z.output<typeof mockScriptEntrySchema>;
/** The keys a `[[llm.script]]` entry accepts. */
export const mockScriptEntryKeys = Object.keys(mockScriptEntrySchema.shape);

/** The keys each table accepts, for "did you mean" and the header trap. */
export const knownKeys = {
  "": Object.keys(agentConfigSchema.shape),
  llm: Object.keys(llmSchema.shape),
  handler: Object.keys(handlerSchema.shape),
  routing: Object.keys(routingSchema.shape),
  limits: Object.keys(limitsSchema.shape),
  memory: Object.keys(memorySchema.shape),
  tests: Object.keys(agentTestSchema.shape),
} as const satisfies Record<string, readonly string[]>;

export type AgentTable = Exclude<keyof typeof knownKeys, "">;
export const agentTables = Object.keys(knownKeys).filter((k) => k !== "") as AgentTable[];
/** Top-level keys that hold plain values: the ones the header trap can swallow. */
export const topLevelValueKeys = knownKeys[""].filter((k) => !(agentTables as string[]).includes(k));
