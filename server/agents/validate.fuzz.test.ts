import { describe, expect, it } from "vitest";
import { agentConfigSchema } from "./schema";
import { listTemplates, templatePreview } from "./templates";
import { MAX_AGENT_BYTES, problemCodes, validateAgentSource, type ValidationResult } from "./validate";

/**
 * Whatever it is given, validation returns a well-formed answer and never throws: it runs on
 * every keystroke in the editor and on every upload. Documents come from a seeded PRNG; set
 * CAXTON_FUZZ_SEED to replay a failure (the seed and the document's index are in the message).
 */

const SEED = Number(process.env.CAXTON_FUZZ_SEED ?? 20261124);
/** Far above any real run (milliseconds); only a guard against a runaway document. */
const SLOW_MS = 2_000;

/** mulberry32: tiny, seedable and good enough to pick mutations. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = ReturnType<typeof mulberry32>;
const int = (random: Random, below: number) => Math.floor(random() * below);
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)]!;

const handWritten = [
  // The summarizer of docs/agents.md.
  `name = "summarizer"\nversion = "1.2.0"\ndescription = "Summarizes documents in three bullets."\ncapabilities = ["summarize"]\ntools = ["word-count"]\nsystem_prompt = """You summarize text in three bullet points."""\n\n[llm]\nprovider = "openai"      # openai-compatible | anthropic | mock\nmodel = "gpt-4o-mini"\ntemperature = 0.2\n`,
  `name = "counter"\nversion = "0.1.0"\ndescription = "Counts words."\ncapabilities = ["count-words:v2"]\n\n[handler]\ntool = "word-count"\n`,
  `name = "everything"\nversion = "2.0.0-rc.1+build.5"\ndescription = 'Uses every table.'\ncapabilities = ["a", "b.c", "d_e:v3"]\ntools = ["word-count", "json-query"]\nsystem_prompt = "Be brief."\nuser_prompt_template = """\n{{memory}}\n{{context}}\n{{request}}"""\n\n[llm]\nprovider = "anthropic"\nmodel = "claude"\nmax_tokens = 512\nbase_url = "https://example.com/v1"\napi_key_secret = "ANTHROPIC_KEY"\n\n[routing]\nstrategy = "weighted"\nweight = 3\n\n[limits]\nmax_steps = 4\ntimeout_ms = 1000\n\n[memory]\nenabled = true\nscope = "conversation"\n\n[[tests]]\nname = "one"\ninput = "x"\nexpect_contains = ["y"]\n\n[[tests]]\nname = "two"\ninput = "z"\nexpect_tools = ["word-count"]\n`,
];
const seeds = [...listTemplates().map(templatePreview), ...handWritten];

const fragments = [
  "[",
  "]",
  "[[",
  "]]",
  "{",
  "}",
  '"',
  "'",
  '"""',
  "'''",
  "=",
  " = ",
  ".",
  ",",
  "#",
  "\\",
  "\\u",
  "\n",
  "\r\n",
  "\r",
  "\t",
  "\0",
  "\uD800",
  "\uDC00",
  "é",
  "🙂",
  "\u202E",
  "\uFEFF",
  "1e999",
  "-0",
  "inf",
  "nan",
  "true",
  "1979-05-27T07:32:00Z",
  "system_prompt",
  "[llm]",
  "[[tests]]",
  "name",
  "0x1F",
  "{{request}}",
  "{{x}}",
];
const lineFragments = [
  'system_prompt = "x"',
  "[llm]",
  "[handler]",
  'tool = "word-count"',
  "[[tests]]",
  "[routing]",
  'provider = "mock"',
  "a.b.c.d.e.f.g.h.i.j.k.l = 1",
  "capabilities = []",
  "x = [",
  "]",
  '"""',
  "'''",
  "model = {}",
  "[llm.extra]",
];

function mutate(random: Random, text: string): string {
  let out = text;
  for (let round = 1 + int(random, 6); round > 0; round--) {
    const at = int(random, out.length + 1);
    const lines = out.split("\n");
    const line = int(random, lines.length);
    switch (int(random, 9)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + 1 + int(random, 4));
        break;
      case 1:
        out = out.slice(0, at) + pick(random, fragments) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + out.slice(at, at + 1 + int(random, 8)) + out.slice(at);
        break;
      case 3: {
        const other = int(random, out.length);
        const chars = [...out];
        [chars[at], chars[other]] = [chars[other] ?? "", chars[at] ?? ""];
        out = chars.join("");
        break;
      }
      case 4:
        lines.splice(line, 1);
        out = lines.join("\n");
        break;
      case 5:
        lines.splice(line, 0, lines[line] ?? "");
        out = lines.join("\n");
        break;
      case 6: {
        const other = int(random, lines.length);
        [lines[line], lines[other]] = [lines[other]!, lines[line]!];
        out = lines.join("\n");
        break;
      }
      case 7:
        lines.splice(line, 0, pick(random, lineFragments));
        out = lines.join("\n");
        break;
      default:
        out = out.slice(0, at);
        break;
    }
  }
  return out;
}

function randomBytes(random: Random): Uint8Array {
  const bytes = new Uint8Array(int(random, 600));
  // Half the time mostly printable ASCII, so the parser gets past the first character.
  const ascii = random() < 0.5;
  for (let i = 0; i < bytes.length; i++) bytes[i] = ascii && random() < 0.9 ? 9 + int(random, 118) : int(random, 256);
  return bytes;
}

function deepNesting(random: Random): string {
  const depth = 1 + int(random, 120);
  const close = random() < 0.8 ? depth : int(random, depth + 1);
  switch (int(random, 4)) {
    case 0:
      return `a = ${"[".repeat(depth)}1${"]".repeat(close)}\n`;
    case 1:
      return `a = ${"{ b = ".repeat(depth)}1${" }".repeat(close)}\n`;
    case 2:
      return `[${Array.from({ length: depth }, (_, i) => `k${i}`).join(".")}]\nx = 1\n`;
    default:
      return `${seeds[0]}\n[llm.x]\ny = ${"[{ z = ".repeat(depth)}1${" }]".repeat(close)}\n`;
  }
}

function hugeLine(random: Random): string {
  const base = pick(random, seeds);
  const size = MAX_AGENT_BYTES - 200 + int(random, 400) - base.length;
  const filler = random() < 0.5 ? "x" : "é"; // one byte or two: around the limit either way
  const body = filler.repeat(Math.max(0, Math.floor(size / (filler === "x" ? 1 : 2))));
  return random() < 0.5 ? `${base}# ${body}\n` : base.replace("version", `junk = "${body}"\nversion`);
}

const lineCount = (input: string | Uint8Array) => {
  const text = typeof input === "string" ? input : new TextDecoder().decode(input);
  return text.split("\n").length;
};

/** What is wrong with a result, if anything. */
function breaks(input: string | Uint8Array, result: ValidationResult): string | undefined {
  if (typeof result.ok !== "boolean") return "ok is not a boolean";
  if (!Array.isArray(result.problems)) return "problems is not an array";
  const lines = lineCount(input);
  for (const p of result.problems) {
    const shown = JSON.stringify(p);
    if (!Object.hasOwn(problemCodes, p.code)) return `unknown code in ${shown}`;
    if (p.severity !== "error" && p.severity !== "warning") return `bad severity in ${shown}`;
    if (!Number.isInteger(p.line) || p.line < 1 || p.line > lines + 1) return `line out of range (document has ${lines}) in ${shown}`;
    if (!Number.isInteger(p.column) || p.column < 1) return `bad column in ${shown}`;
    if (typeof p.field !== "string" || typeof p.message !== "string" || !p.message) return `bad field or message in ${shown}`;
    if (!Array.isArray(p.suggestions) || !p.suggestions.every((s) => typeof s === "string")) return `bad suggestions in ${shown}`;
  }
  const errors = result.problems.some((p) => p.severity === "error");
  if (result.ok === errors) return `ok is ${result.ok} with${errors ? "" : "out"} error problems`;
  if (result.ok && !agentConfigSchema.safeParse(result.config).success) return "ok, but config does not pass agentConfigSchema";
  if (!result.ok && result.config !== undefined) return "not ok, but config is set";
  return undefined;
}

/** What the documents of every kind added up to: proof the generators reach past the first check. */
const reached = { valid: 0, invalid: 0, codes: new Set<string>() };

/** Validates `count` documents from `make`, returning a description of each failure. */
function run(kind: string, count: number, make: (random: Random) => string | Uint8Array, offset: number): string[] {
  const failures: string[] = [];
  for (let index = 0; index < count; index++) {
    const docSeed = SEED + offset + index;
    const random = mulberry32(docSeed);
    const input = make(random);
    // Some documents also go in as bytes, the way uploads arrive.
    const forms: (string | Uint8Array)[] = typeof input === "string" && random() < 0.3 ? [input, new TextEncoder().encode(input)] : [input];
    for (const form of forms) {
      const where = `${kind} #${index} (CAXTON_FUZZ_SEED=${SEED}, document seed ${docSeed}, ${typeof form === "string" ? "string" : "bytes"}): ${JSON.stringify(String(typeof form === "string" ? form : new TextDecoder().decode(form)).slice(0, 160))}`;
      const started = performance.now();
      let reason: string | undefined;
      try {
        const result = validateAgentSource(form);
        reason = breaks(form, result);
        if (result.ok) reached.valid++;
        else reached.invalid++;
        for (const problem of result.problems) reached.codes.add(problem.code);
      } catch (error) {
        reason = `threw ${(error as Error)?.stack ?? String(error)}`;
      }
      const took = performance.now() - started;
      if (took > SLOW_MS) reason ??= `took ${Math.round(took)} ms`;
      if (reason) failures.push(`${where}\n  ${reason}`);
    }
  }
  return failures.slice(0, 5);
}

describe(`validateAgentSource fuzz (seed ${SEED})`, () => {
  const check = (kind: string, count: number, make: (random: Random) => string | Uint8Array, offset: number) => {
    it(`${kind}: ${count} documents`, { timeout: 20_000 }, () => {
      expect(run(kind, count, make, offset)).toEqual([]);
    });
  };

  check("random bytes", 1000, randomBytes, 0);
  check("random text", 500, (random) => Array.from({ length: int(random, 60) }, () => pick(random, fragments)).join(""), 10_000);
  check("mutated templates and agents", 3500, (random) => mutate(random, pick(random, seeds)), 20_000);
  check(
    "mutated bytes",
    300,
    (random) => {
      const bytes = new TextEncoder().encode(pick(random, seeds));
      for (let flips = 1 + int(random, 4); flips > 0; flips--) bytes[int(random, bytes.length)] = int(random, 256);
      return bytes;
    },
    30_000,
  );
  check("deep nesting", 300, deepNesting, 40_000);
  check("huge lines", 24, hugeLine, 50_000);

  // Runs after the kinds above (vitest keeps declaration order within a file). A generator
  // that only ever produced syntax errors would pass every invariant while testing nothing.
  it("reaches valid documents and most kinds of problem", () => {
    expect(reached.valid + reached.invalid).toBeGreaterThanOrEqual(5000);
    expect(reached.valid).toBeGreaterThan(100);
    expect(reached.invalid).toBeGreaterThan(1000);
    for (const code of [
      "syntax_error",
      "document_too_large",
      "nesting_too_deep",
      "invalid_encoding",
      "unknown_key",
      "misplaced_key",
      "missing_field",
      "invalid_value",
      "agent_kind",
    ]) {
      expect([...reached.codes], `no document produced ${code}`).toContain(code);
    }
  });

  it("finds valid documents among the seeds, so the invariants are not checked on errors alone", () => {
    for (const seed of seeds) expect(validateAgentSource(seed).problems.filter((p) => p.severity === "error")).toEqual([]);
  });
});
