import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCliEnvironment } from "./support/cli";
import { sampleJsTool } from "./support/tools";

/** `caxton tool …` against the whole platform (web + worker), with a bootstrap owner token. */
let environment: Awaited<ReturnType<typeof startCliEnvironment>>;
const cli = (cwd: string, args: string[]) => environment.cli(cwd, args);
const tempDir = () => environment.tempDir();

/** A tool folder as `caxton tool push` reads it: manifest.toml and tool.js. */
function toolFolder(name: string, options: Parameters<typeof sampleJsTool>[1] = {}, manifestEdit = (m: string) => m): string {
  const dir = path.join(tempDir(), name);
  mkdirSync(dir);
  const tool = sampleJsTool(name, options);
  writeFileSync(path.join(dir, "manifest.toml"), manifestEdit(tool.manifest as string));
  writeFileSync(path.join(dir, "tool.js"), tool.module);
  return dir;
}

beforeAll(async () => {
  environment = await startCliEnvironment("cli-tools");
});
afterAll(async () => {
  await environment?.stop();
});

describe("caxton tool", () => {
  it("lists the sample tools and runs one", () => {
    const list = cli(tempDir(), ["tool", "list"]);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/word-count\s+wasm\s+v1 \(1\.0\.0\)\s+sample/);
    const run = cli(tempDir(), ["tool", "run", "word-count", '{"text": "three little words"}']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('"words": 3');
  });

  it("pushes a folder, runs it, and lists its calls", () => {
    const dir = toolFolder("shout");
    const pushed = cli(dir, ["tool", "push", "."]);
    expect(pushed.status, pushed.stderr).toBe(0);
    expect(pushed.stdout).toMatch(/^created shout v1 \(js, \d+ bytes\)/);
    expect(cli(dir, ["tool", "push", "."]).stdout).toMatch(/^unchanged shout v1/);
    const run = cli(dir, ["tool", "run", "shout", '{"text": "hi"}']);
    expect(run.stdout).toContain('"upper": "HI"');
    const calls = cli(dir, ["tool", "invocations", "shout"]);
    expect(calls.stdout).toMatch(/v1\s+.*\s+ok/);
  });

  it("prints manifest problems at file:line:col and a failed run's diagnostic, with exit 1", () => {
    const broken = toolFolder("broken", {}, (m) => m.replace("timeoutMs", "timeoutMS"));
    const refused = cli(broken, ["tool", "push", "."]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain(
      `${path.join(".", "manifest.toml")}:10:1: error [unknown_key] Unknown key \`timeoutMS\` in [permissions]. Did you mean \`timeoutMs\`?`,
    );

    const spin = toolFolder("spin", { body: "for (;;) {}", timeoutMs: 100 });
    expect(cli(spin, ["tool", "push", "."]).status).toBe(0);
    const spun = cli(spin, ["tool", "run", "spin", '{"text": "x"}']);
    expect(spun.status).toBe(1);
    expect(spun.stdout).toMatch(/spin v1 failed: \[timeout\] .*\(limit 100, observed \d+\)/);
    const notJson = cli(spin, ["tool", "run", "spin", "{text: x}"]);
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toContain("The input is not JSON");
  });

  it("shows a tool quarantined after its runs kept breaching, and refuses its runs", () => {
    const dir = toolFolder("spin-often", { body: "for (;;) {}", timeoutMs: 50 });
    expect(cli(dir, ["tool", "push", "."]).status).toBe(0);
    // Five breaches (CAXTON_TOOL_QUARANTINE_BREACHES' default) quarantine the version.
    for (let run = 0; run < 5; run++) expect(cli(dir, ["tool", "run", "spin-often", '{"text": "x"}']).stdout).toContain("[timeout]");
    expect(cli(dir, ["tool", "list"]).stdout).toMatch(/spin-often\s+js\s+v1 \(1\.0\.0\)\s+quarantined/);
    expect(cli(dir, ["tool", "show", "spin-often"]).stdout).toMatch(
      /^# quarantined since \d{4}-.*Runs are refused until a new version is pushed\.\nname = "spin-often"/,
    );
    const refused = cli(dir, ["tool", "run", "spin-often", '{"text": "x"}']);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain("[quarantined]");
  });

  it("deletes only with --confirm repeating the name", () => {
    const dir = toolFolder("doomed-tool");
    expect(cli(dir, ["tool", "push", "."]).status).toBe(0);
    expect(cli(dir, ["tool", "delete", "doomed-tool"]).status).toBe(2);
    const deleted = cli(dir, ["tool", "delete", "doomed-tool", "--confirm", "doomed-tool"]);
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(cli(dir, ["tool", "show", "doomed-tool"]).status).toBe(4);
  });
});

describe("caxton send", () => {
  it("sends to a tool agent and prints its reply; a capability nobody offers exits 1 with the nearest", () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, "counter.toml"),
      'name = "counter"\nversion = "1.0.0"\ndescription = "Counts words."\ncapabilities = ["count-words"]\n\n[handler]\ntool = "word-count"\n',
    );
    expect(cli(dir, ["agent", "push", "counter.toml"]).status).toBe(0);
    const sent = cli(dir, ["send", "count-words", "three little words"]);
    expect(sent.status, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(/: answered\nINFORM from counter:\n\{\n {2}"chars": 18,\n {2}"lines": 1,\n {2}"words": 3\n\}/);
    writeFileSync(path.join(dir, "note.txt"), "from a file");
    expect(cli(dir, ["send", "count-words", "@note.txt"]).stdout).toContain('"words": 3');
    const nobody = cli(dir, ["send", "count-wordz", "x"]);
    expect(nobody.status).toBe(1);
    expect(nobody.stdout).toContain('FAILURE from router:\nNo agent offers "count-wordz". Nearest: count-words (1 agent).');
    const far = cli(dir, ["send", "translate-to-klingon", "x"]);
    expect(far.status).toBe(1);
    expect(far.stdout).toContain('FAILURE from router:\nNo agent offers "translate-to-klingon". Nearest: count-words (1 agent).');
  });

  it("takes --wait bare, with seconds, before the arguments, and --no-wait", () => {
    const dir = tempDir();
    const bare = cli(dir, ["send", "count-words", "two words", "--wait"]);
    expect(bare.status, bare.stderr).toBe(0);
    expect(bare.stdout).toContain('"words": 2');
    const seconds = cli(dir, ["send", "--wait", "20s", "count-words", "one"]);
    expect(seconds.status, seconds.stderr).toBe(0);
    expect(seconds.stdout).toContain('"words": 1');
    const first = cli(dir, ["send", "--wait", "count-words", "a b c d"]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('"words": 4');
    const queued = cli(dir, ["send", "count-words", "x", "--no-wait", "--json"]);
    expect(queued.status, queued.stderr).toBe(0);
    expect(queued.json().replies).toEqual([]);
    expect(cli(dir, ["send", "count-words", "x", "--no-wait"]).stdout).toMatch(
      /Queued, not waiting for the reply\. Read it later: GET \/api\/v1\/conversations\/\S+, or Conversations in the dashboard\./,
    );
  });
});
