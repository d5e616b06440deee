import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromRoot } from "../server/platform/paths";
import { sampleAgent } from "./support/agents";
import { startCliEnvironment } from "./support/cli";
import { eventually, type RunningCaxton } from "./support/env";

/**
 * `caxton agent …` and `caxton dev` against the whole platform (dist/ build, real PostgreSQL
 * and Redis), with an owner token from `caxton admin bootstrap`.
 */
let environment: Awaited<ReturnType<typeof startCliEnvironment>>;
let caxton: RunningCaxton;
let token: string;
let cli: typeof environment.cli;
let tempDir: typeof environment.tempDir;

/** A request on a new connection: spawnSync blocks this event loop, which can strand a pooled socket. */
function api(
  method: string,
  route: string,
): Promise<{ status: number; body: { activeVersion?: { number: number; semver: string }; source?: string } }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${caxton.url}/api/v1${route}`,
      { method, agent: false, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    request.on("error", reject);
    request.end();
  });
}

/** The header trap (system_prompt under [llm]) and a typo (modle), each at its own line. */
const brokenAgent = (name: string) => `name = "${name}"
version = "1.0.0"
description = "Broken on purpose."
capabilities = ["summarize"]

[llm]
provider = "mock"
modle = "scripted"
system_prompt = """You summarize."""
`;

beforeAll(async () => {
  environment = await startCliEnvironment("cli-agents");
  ({ caxton, token, cli, tempDir } = environment);
});
afterAll(async () => {
  await environment?.stop();
});

describe("caxton agent validate", () => {
  it("works offline and prints every problem at file:line:col, exit 1 on errors", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "good.toml"), sampleAgent("summarizer"));
    writeFileSync(path.join(dir, "broken.toml"), brokenAgent("broken"));
    writeFileSync(path.join(dir, "notes.txt"), "not an agent");

    const good = cli(dir, ["agent", "validate", "good.toml"], { login: false });
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toContain("1 file checked: all valid, 0 errors, 0 warnings.");

    const all = cli(dir, ["agent", "validate", "."], { login: false });
    expect(all.status).toBe(1);
    expect(all.stdout).toContain("broken.toml:8:1: error [unknown_key] Unknown key `modle` in [llm]. Did you mean `model`?");
    expect(all.stdout).toMatch(/^broken\.toml:9:1: error \[misplaced_key\] `system_prompt` is a top-level key/m);
    expect(all.stdout).toContain("    Move `system_prompt` above the first table header ([llm] on line 6).");
    expect(all.stdout).not.toContain("notes.txt");
    expect(all.stdout).toContain("2 files checked: 1 invalid, 2 errors, 0 warnings.");

    const json = cli(dir, ["agent", "validate", "broken.toml", "good.toml", "--json"], { login: false });
    expect(json.status).toBe(1);
    const report = json.json();
    expect(report).toMatchObject({ ok: false, errors: 2, warnings: 0 });
    expect(report.files.map((f: { path: string; ok: boolean }) => [f.path, f.ok])).toEqual([
      ["broken.toml", false],
      ["good.toml", true],
    ]);
    expect(report.files[0].problems[0]).toMatchObject({
      code: "unknown_key",
      field: "llm.modle",
      line: 8,
      column: 1,
      suggestions: ["model"],
    });
  });

  it("reports a missing file and refuses to run without a path", () => {
    const dir = tempDir();
    const missing = cli(dir, ["agent", "validate", "nope.toml"], { login: false });
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain("nope.toml: error: no such file or folder");
    const usage = cli(dir, ["agent", "validate"], { login: false });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("Missing <file|dir>.");
  });
});

describe("caxton agent push and the agent's history", () => {
  it("creates, updates, leaves unchanged, lists, shows, diffs and rolls back", async () => {
    const dir = tempDir();
    const file = path.join(dir, "summarizer.toml");
    writeFileSync(file, sampleAgent("summarizer"));
    const created = cli(dir, ["agent", "push", "summarizer.toml"]);
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toContain("summarizer.toml: created summarizer v1");

    writeFileSync(file, sampleAgent("summarizer", { version: "1.1.0", description: "Summarizes in five bullets." }));
    const updated = cli(dir, ["agent", "push", "."]);
    expect(updated.status, updated.stderr).toBe(0);
    expect(updated.stdout).toContain("summarizer.toml: updated summarizer v2 (was v1)");
    expect(updated.stdout).toContain('-description = "Summarizes documents in three bullets."');
    expect(updated.stdout).toContain('+description = "Summarizes in five bullets."');

    const unchanged = cli(dir, ["agent", "push", "summarizer.toml", "--json"]);
    expect(unchanged.status).toBe(0);
    expect(unchanged.json().results[0]).toMatchObject({ path: "summarizer.toml", outcome: "unchanged", version: { number: 2 } });

    const list = cli(dir, ["agent", "list"]);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+KIND\s+ACTIVE\s+VERSIONS/);
    expect(list.stdout).toMatch(/summarizer\s+llm\s+v2 \(1\.1\.0\)\s+2\s+active/);
    expect(cli(dir, ["agent", "list", "--json"]).json().items).toHaveLength(1);

    const show = cli(dir, ["agent", "show", "summarizer"]);
    expect(show.stdout).toContain('description = "Summarizes in five bullets."');
    expect(cli(dir, ["agent", "show", "summarizer", "--json"]).json()).toMatchObject({
      name: "summarizer",
      activeVersion: { number: 2, semver: "1.1.0" },
    });

    const versions = cli(dir, ["agent", "versions", "summarizer"]);
    expect(versions.stdout).toMatch(/\*v2\s+1\.1\.0/);
    expect(versions.stdout).toMatch(/ v1\s+1\.0\.0/);

    const diff = cli(dir, ["agent", "diff", "summarizer", "--from", "1", "--to", "2"]);
    expect(diff.status).toBe(0);
    expect(diff.stdout).toContain("--- summarizer v1");
    expect(diff.stdout).toContain('+version = "1.1.0"');
    expect(cli(dir, ["agent", "diff", "summarizer", "--from", "x"]).status).toBe(2);

    const rollback = cli(dir, ["agent", "activate", "summarizer", "1"]);
    expect(rollback.status, rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain("Activated summarizer v1 (1.0.0).");
    expect((await api("GET", "/agents/summarizer")).body.activeVersion).toEqual({ number: 1, semver: "1.0.0" });

    const unknown = cli(dir, ["agent", "show", "nobody"]);
    expect(unknown.status).toBe(4);
    expect(unknown.stderr).toContain("hint: `caxton agent list`");
  });

  it("refuses an invalid document with its problems at file:line:col (exit 1) and pushes the valid ones", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "a-broken.toml"), brokenAgent("broken"));
    writeFileSync(path.join(dir, "b-fine.toml"), sampleAgent("fine"));
    const push = cli(dir, ["agent", "push", "."]);
    expect(push.status).toBe(1);
    expect(push.stdout).toContain("a-broken.toml:8:1: error [unknown_key]");
    expect(push.stdout).toContain("a-broken.toml:9:1: error [misplaced_key]");
    expect(push.stdout).toContain("b-fine.toml: created fine v1");
    expect(push.stdout).toContain("2 files pushed, 1 refused.");
  });

  it("deletes only with --confirm repeating the name", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "doomed.toml"), sampleAgent("doomed"));
    expect(cli(dir, ["agent", "push", "doomed.toml"]).status).toBe(0);

    const unconfirmed = cli(dir, ["agent", "delete", "doomed"]);
    expect(unconfirmed.status).toBe(2);
    expect(unconfirmed.stderr).toContain('Deleting agent "doomed" needs --confirm doomed.');
    const wrong = cli(dir, ["agent", "delete", "doomed", "--confirm", "doome"]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("does not match");
    expect((await api("GET", "/agents/doomed")).status).toBe(200);

    const deleted = cli(dir, ["agent", "delete", "doomed", "--confirm", "doomed"]);
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain('Deleted agent "doomed".');
    expect((await api("GET", "/agents/doomed")).status).toBe(404);
    expect(cli(dir, ["agent", "delete", "doomed", "--confirm", "doomed"]).status).toBe(4);
  });
});

describe("caxton dev", () => {
  it("pushes on save, refuses an invalid save locally, and stops on SIGTERM with exit 0", async () => {
    const dir = tempDir();
    const name = "live";
    const file = path.join(dir, `${name}.toml`);
    const child = spawn(process.execPath, [fromRoot("dist/caxton.mjs"), "dev", dir], {
      env: {
        ...process.env,
        HOME: dir,
        XDG_CONFIG_HOME: path.join(dir, "xdg"),
        CAXTON_URL: caxton.url,
        CAXTON_TOKEN: token,
        CAXTON_CONFIG: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const seen = (text: string) => eventually(async () => output.includes(text), 10_000, 20);
    try {
      await seen("for changes (Ctrl-C to stop)");
      writeFileSync(file, sampleAgent(name));
      await seen(`${file}: created ${name} v1 in `);

      writeFileSync(file, sampleAgent(name, { description: "Now in two bullets." }));
      await seen(`${file}: updated ${name} v2 (was v1) in `);
      expect(output).toContain('+description = "Now in two bullets."');
      expect((await api("GET", `/agents/${name}`)).body.activeVersion?.number).toBe(2);

      writeFileSync(file, brokenAgent(name));
      await seen(`${file}:8:1: error [unknown_key]`);
      await seen(`${file}: not pushed (2 errors); the active version on the server is unchanged.`);
      const after = await api("GET", `/agents/${name}`);
      expect(after.body.activeVersion?.number).toBe(2);
      expect(after.body.source).toContain("Now in two bullets.");

      // Editors' temporary files are not agent documents.
      writeFileSync(path.join(dir, `.${name}.toml.swp`), "garbage");
      rmSync(file);
      await seen(`${file}: removed; the agent stays on the server`);
      expect(output).not.toContain(".swp");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited, output).toBe(0);
    expect(output).toContain("Stopped.");
  });
});

describe("caxton agent templates and create", () => {
  it("lists the templates and creates an agent from one", async () => {
    const dir = tempDir();
    const list = cli(dir, ["agent", "templates", "--json"]);
    expect(list.status, list.stdout + list.stderr).toBe(0);
    const ids = (list.json().items as { id: string }[]).map((t) => t.id);
    expect(ids).toContain("summarizer");
    const text = cli(dir, ["agent", "templates"]).stdout;
    expect(text).toMatch(/^summarizer\s+Summarizer\s+NAME=summarizer/m);
    // A multi-line default (classifier's ROUTES) stays on its row, cut short: one line per template.
    expect(text.trimEnd().split("\n")).toHaveLength(ids.length + 1);
    expect(text).toMatch(/^classifier\s+.*ROUTES=billing -> billing-supp…, FALLBACK=other/m);

    const created = cli(dir, ["agent", "create", "--template", "summarizer", "--param", "NAME=from-template", "--param", "BULLETS=5"]);
    expect(created.status, created.stdout + created.stderr).toBe(0);
    expect(created.stdout).toContain("template summarizer: created from-template v1");
    expect((await api("GET", "/agents/from-template")).body.source).toContain("in 5 bullet points");
  });

  it("checks --param KEY=VALUE before sending anything", () => {
    const dir = tempDir();
    const malformed = cli(dir, ["agent", "create", "--template", "summarizer", "--param", "novalue"], { login: false });
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('--param "novalue" is not KEY=VALUE.');
    const twice = cli(dir, ["agent", "create", "--template", "summarizer", "--param", "a=1", "--param", "a=2"], { login: false });
    expect(twice.status).toBe(2);
    expect(twice.stderr).toContain("--param a was given twice.");
  });

  it("names a bad parameter the server refuses", () => {
    const dir = tempDir();
    const bad = cli(dir, ["agent", "create", "--template", "summarizer", "--param", "BULLETS=twelve", "--param", "NAEM=x"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("--param NAEM: Unknown parameter `NAEM` for template `summarizer`. Did you mean `NAME`?");
    expect(bad.stderr).toMatch(/--param BULLETS: /);
    const times = (text: string, part: string) => text.split(part).length - 1;
    expect(times(bad.stderr, "Unknown parameter `NAEM`")).toBe(1);
    // One bad parameter: said once, not as the summary and then again as its detail.
    const one = cli(dir, ["agent", "create", "--template", "summarizer", "--param", "NAEM=x"]);
    expect(one.status).toBe(1);
    expect(one.stderr).toBe(
      "error: --param NAEM: Unknown parameter `NAEM` for template `summarizer`. Did you mean `NAME`?\nhint: `caxton agent templates` lists each template's parameters.\n",
    );
    const unknown = cli(dir, ["agent", "create", "--template", "sumarizer"]);
    expect(unknown.status).toBe(4);
    expect(unknown.stderr).toContain("Did you mean `summarizer`?");
  });
});
