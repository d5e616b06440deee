import { describe, expect, it } from "vitest";
import { MAX_AGENT_BYTES, problemCodes, validateAgentSource, type Problem, type ProblemCode } from "./validate";

// Documents are built line by line so the expected line numbers can be read off the arrays.
const head = ['name = "summarizer"', 'version = "1.2.0"', 'description = "Summarizes."', 'capabilities = ["summarize"]'];
const prompt = 'system_prompt = "You summarize."';
const llm = ["", "[llm]", 'provider = "mock"', 'model = "scripted"'];
const doc = (...lines: (string | string[])[]) => lines.flat().join("\n") + "\n";

/** The problems of a document, only the parts a test pins down exactly. */
const where = (input: string | Uint8Array) =>
  validateAgentSource(input).problems.map(({ code, field, line, column }) => ({ code, field, line, column }));

const one = (code: ProblemCode, field: string, line: number, column: number) => [{ code, field, line, column }];

const cases: Record<ProblemCode, { input: string | Uint8Array; expected: ReturnType<typeof one> }> = {
  syntax_error: { input: doc(head, 'system_prompt = "You summarize', llm), expected: one("syntax_error", "", 5, 31) },
  document_too_large: { input: doc(head, prompt, `# ${"x".repeat(MAX_AGENT_BYTES)}`, llm), expected: one("document_too_large", "", 1, 1) },
  nesting_too_deep: { input: "a = [[[[[[[[[[[[1]]]]]]]]]]]]\n", expected: one("nesting_too_deep", `a${"[0]".repeat(10)}`, 1, 15) },
  // 4 lines of 95 bytes, then "# caf" and a byte that is never UTF-8: byte 101, line 5, column 6.
  invalid_encoding: {
    input: new Uint8Array([...new TextEncoder().encode(doc(head) + "# caf"), 0xff, 0x0a]),
    expected: one("invalid_encoding", "", 5, 6),
  },
  invalid_text: {
    input: doc(head.slice(0, 2), 'description = "a\\u0000b"', head[3]!, prompt, llm),
    expected: one("invalid_text", "description", 3, 15),
  },
  unknown_key: { input: doc(head, prompt, llm, "temprature = 0.2"), expected: one("unknown_key", "llm.temprature", 10, 1) },
  misplaced_key: { input: doc(head, llm, prompt), expected: one("misplaced_key", "llm.system_prompt", 9, 1) },
  missing_field: {
    input: doc(
      head.filter((l) => !l.startsWith("description")),
      prompt,
      llm,
    ),
    expected: one("missing_field", "description", 1, 1),
  },
  invalid_type: { input: doc(head, prompt, llm, 'temperature = "hot"'), expected: one("invalid_type", "llm.temperature", 10, 15) },
  invalid_value: {
    input: doc(head, prompt, "", "[llm]", 'provider = "opnai"', 'model = "x"'),
    expected: one("invalid_value", "llm.provider", 8, 12),
  },
  duplicate_value: {
    input: doc(head.slice(0, 3), 'capabilities = ["summarize", "summarize"]', prompt, llm),
    expected: one("duplicate_value", "capabilities[1]", 4, 30),
  },
  agent_kind: { input: doc(head, prompt, llm, "", "[handler]", 'tool = "word-count"'), expected: one("agent_kind", "handler", 11, 1) },
  unknown_placeholder: {
    input: doc(head, prompt, 'user_prompt_template = """', "Summarize:", '  {{requst}}"""', llm),
    expected: one("unknown_placeholder", "user_prompt_template", 8, 3),
  },
  unused_field: { input: doc(head, prompt, "", "[handler]", 'tool = "word-count"'), expected: one("unused_field", "system_prompt", 5, 1) },
};

describe("validateAgentSource: one case per problem code", () => {
  it("covers every code", () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(problemCodes).sort());
  });

  it.each(Object.entries(cases))("%s", (_code, { input, expected }) => {
    expect(where(input)).toEqual(expected);
  });
});

describe("the header trap", () => {
  const result = validateAgentSource(doc(head, llm, prompt));
  const [trap] = result.problems;

  it("reports system_prompt under [llm] as misplaced, once", () => {
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(trap).toMatchObject({ severity: "error", code: "misplaced_key", field: "llm.system_prompt", line: 9, column: 1 });
    expect(result.problems.some((p) => p.code === "missing_field")).toBe(false);
  });

  it("says where the first header is", () => {
    expect(trap!.suggestions).toEqual(["Move `system_prompt` above the first table header ([llm] on line 6)."]);
  });

  it("gives the same lines and columns with CRLF line endings", () => {
    const crlf = validateAgentSource(doc(head, llm, prompt).replaceAll("\n", "\r\n"));
    expect(crlf.problems).toEqual(result.problems);
  });

  it("catches any top-level value key swallowed by a later table", () => {
    const problems = where(doc(head.slice(0, 3), prompt, llm, "", "[limits]", 'capabilities = ["summarize"]'));
    expect(problems).toEqual(one("misplaced_key", "limits.capabilities", 11, 1));
  });

  // Tests usually come last, so a prompt appended at the end of the file lands in [[tests]].
  it("catches system_prompt swallowed by the last [[tests]] entry", () => {
    const result = validateAgentSource(doc(head, llm, "", "[[tests]]", 'name = "t"', 'input = "x"', prompt));
    expect(result.problems.map(({ code, field, line, column }) => ({ code, field, line, column }))).toEqual(
      one("misplaced_key", "tests[0].system_prompt", 13, 1),
    );
    expect(result.problems[0]!.message).toContain("inside [[tests]] #1");
    expect(result.problems[0]!.suggestions).toEqual(["Move `system_prompt` above the first table header ([llm] on line 6)."]);
  });
});

describe("unknown keys", () => {
  it("suggests the closest key of the right table", () => {
    const problems = validateAgentSource(doc(head, prompt, 'toolz = ["word-count"]', llm, "temprature = 0.2")).problems;
    expect(problems.map((p) => [p.field, p.line, p.suggestions[0]])).toEqual([
      ["toolz", 6, "tools"],
      ["llm.temprature", 11, "temperature"],
    ]);
    expect(problems[0]!.message).toContain("Did you mean `tools`?");
  });

  it("sends a table's key written at the top level to its table", () => {
    const [problem] = validateAgentSource(doc(head, prompt, 'model = "gpt-4o-mini"', llm)).problems;
    expect(problem).toMatchObject({ code: "unknown_key", field: "model", line: 6, column: 1 });
    expect(problem!.suggestions[0]).toBe("Put `model` under the [llm] table.");
  });

  it("does not also call a misspelled field missing", () => {
    const misspelled = doc(
      head.map((l) => l.replace("capabilities", "capabilitees")),
      prompt,
      llm,
    );
    expect(where(misspelled)).toEqual(one("unknown_key", "capabilitees", 4, 1));
    expect(validateAgentSource(misspelled).ok).toBe(false);
  });

  it("checks keys inside [[tests]] too", () => {
    expect(where(doc(head, prompt, llm, "", "[[tests]]", 'name = "t"', 'input = "x"', 'expect_contain = ["y"]'))).toEqual(
      one("unknown_key", "tests[0].expect_contain", 14, 1),
    );
  });
});

describe("input checks before parsing", () => {
  it("refuses bytes that are not UTF-8", () => {
    const [problem] = validateAgentSource(new Uint8Array([0x6e, 0x61, 0xff])).problems;
    expect(problem).toMatchObject({ code: "invalid_encoding", line: 1, column: 3 });
  });

  it("says so when the bytes end in the middle of a character", () => {
    const [problem] = validateAgentSource(new Uint8Array([0x61, 0x0a, 0x62, 0xc3])).problems;
    expect(problem).toMatchObject({ code: "invalid_encoding", line: 2, column: 2 });
    expect(problem!.message).toContain("ends in the middle of a character");
  });

  it("refuses a string with a lone surrogate", () => {
    expect(where(doc(head, 'system_prompt = "a\uD800"', llm))).toEqual(one("invalid_encoding", "", 5, 19));
  });

  it("measures size in bytes, for text and bytes alike", () => {
    const text = doc(head, prompt, `# ${"é".repeat(MAX_AGENT_BYTES / 2)}`, llm);
    expect(where(text)).toEqual(one("document_too_large", "", 1, 1));
    expect(where(new TextEncoder().encode(text))).toEqual(one("document_too_large", "", 1, 1));
  });

  it("accepts bytes with a byte-order mark", () => {
    const bytes = new TextEncoder().encode("\uFEFF" + doc(head, prompt, llm));
    expect(validateAgentSource(bytes).ok).toBe(true);
  });
});

describe("valid agents", () => {
  it("fills in the defaults", () => {
    const result = validateAgentSource(doc(head, prompt, llm));
    expect(result.problems).toEqual([]);
    expect(result.config).toEqual({
      name: "summarizer",
      version: "1.2.0",
      description: "Summarizes.",
      capabilities: ["summarize"],
      tools: [],
      system_prompt: "You summarize.",
      llm: { provider: "mock", model: "scripted", stream: true },
      routing: { strategy: "single", weight: 1 },
      limits: { max_steps: 8, timeout_ms: 60_000, max_depth: 8, max_concurrent: 10 },
      memory: { enabled: false, scope: "agent", top_k: 5, min_score: 0.5 },
      tests: [],
    });
  });

  it("keeps a tool agent with a system_prompt ok, with a warning", () => {
    const result = validateAgentSource(cases.unused_field.input);
    expect(result.ok).toBe(true);
    expect(result.problems.map((p: Problem) => [p.severity, p.code])).toEqual([["warning", "unused_field"]]);
    expect(result.config?.handler).toEqual({ tool: "word-count" });
  });

  it("accepts the runtime placeholders in user_prompt_template", () => {
    const result = validateAgentSource(doc(head, prompt, 'user_prompt_template = "{{ request }} {{context}} {{memory}}"', llm));
    expect(result.problems).toEqual([]);
  });

  it("refuses the names the dashboard's paths use", () => {
    const result = validateAgentSource(doc(['name = "new"', ...head.slice(1)], prompt, llm));
    expect(result.problems).toEqual([
      expect.objectContaining({ code: "invalid_value", field: "name", line: 1, column: 8, message: expect.stringContaining("reserved") }),
    ]);
  });

  it("needs a system_prompt for an LLM agent", () => {
    expect(where(doc(head, llm))).toEqual(one("missing_field", "system_prompt", 1, 1));
  });
});

describe("the mock provider's [[llm.script]]", () => {
  const tools = 'tools = ["word-count"]';
  const entry = (...lines: string[]) => ["", "[[llm.script]]", ...lines];

  it("accepts calls and a reply that use the placeholders the mock fills", () => {
    const result = validateAgentSource(
      doc(
        head,
        tools,
        prompt,
        llm,
        entry('call = "ask"', 'input = { capability = "count-words", request = "{{request}}" }'),
        entry('call = "word-count"', 'input = { text = "{{ request }}" }'),
        entry('reply = "{{result.1.content.words}} and {{result.2}}"'),
      ),
    );
    expect(result.problems).toEqual([]);
    expect(result.config?.llm?.script).toEqual([
      { call: "ask", input: { capability: "count-words", request: "{{request}}" } },
      { call: "word-count", input: { text: "{{ request }}" } },
      { reply: "{{result.1.content.words}} and {{result.2}}" },
    ]);
  });

  it("points at an unknown placeholder and suggests the one meant", () => {
    const result = validateAgentSource(doc(head, prompt, llm, entry('reply = "You said {{requets}}"')));
    expect(result.ok).toBe(false);
    expect(result.problems).toMatchObject([
      { code: "unknown_placeholder", field: "llm.script[0].reply", line: 12, column: 19, suggestions: ["{{request}}"] },
    ]);
    expect(result.problems[0]!.message).toContain("Did you mean `{{request}}`?");
  });

  it("refuses a result of a call that has not happened yet", () => {
    const problems = where(
      doc(
        head,
        prompt,
        llm,
        entry('call = "ask"', 'input = { capability = "c", request = "{{result.1}}" }'),
        entry('reply = "{{result.2.content}}"'),
      ),
    );
    expect(problems).toEqual([
      { code: "unknown_placeholder", field: "llm.script[0].input.request", line: 13, column: 40 },
      { code: "unknown_placeholder", field: "llm.script[1].reply", line: 16, column: 10 },
    ]);
    expect(validateAgentSource(doc(head, prompt, llm, entry('reply = "{{result.2.content}}"'))).problems[0]!.message).toContain(
      "only 0 calls come before [[llm.script]] entry 1",
    );
  });

  it("is only allowed with provider = mock", () => {
    const openai = ["", "[llm]", 'provider = "openai"', 'model = "gpt-4o-mini"'];
    const result = validateAgentSource(doc(head, prompt, openai, entry('reply = "hi"')));
    expect(result.problems).toMatchObject([{ code: "invalid_value", field: "llm.script", line: 11, column: 1 }]);
    expect(result.problems[0]!.message).toContain('only works with provider = "mock"');
  });

  it("needs call or reply in each entry, a tool the agent has, and known keys", () => {
    expect(
      where(
        doc(
          head,
          tools,
          prompt,
          llm,
          entry('input = { text = "x" }'),
          entry('call = "word-cout"', "colour = 1"),
          entry('call = "ask"', 'reply = "both"'),
        ),
      ),
    ).toEqual([
      { code: "missing_field", field: "llm.script[0]", line: 12, column: 1 },
      { code: "invalid_value", field: "llm.script[1].call", line: 16, column: 8 },
      { code: "unknown_key", field: "llm.script[1].colour", line: 17, column: 1 },
      { code: "invalid_value", field: "llm.script[2]", line: 19, column: 1 },
    ]);
    const wrongTool = validateAgentSource(doc(head, tools, prompt, llm, entry('call = "word-cout"'))).problems[0]!;
    expect(wrongTool.suggestions).toEqual(["word-count"]);
  });

  it("warns about entries after the reply, which never run", () => {
    const result = validateAgentSource(doc(head, prompt, llm, entry('reply = "done"'), entry('reply = "never"')));
    expect(result.ok).toBe(true);
    expect(result.problems).toMatchObject([{ severity: "warning", code: "unused_field", field: "llm.script[1]", line: 14, column: 1 }]);
  });
});
