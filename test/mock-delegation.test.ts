import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromRoot } from "../server/platform/paths";
import { startCaxton, useTestEnvironment, type RunningCaxton } from "./support/env";
import { createWorkspaceWithRoles, type TestToken } from "./support/identity";

// The delegation demo: two tool agents and one scripted mock LLM agent that delegates to
// both, created with the CLI from docs/examples/delegation-demo, then asked over REST and
// with `caxton send`. Everything real: web, worker, Postgres, Redis, the WASM sample tools.
let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let caxton: RunningCaxton;
let token: TestToken;
let home: string;

const TEXT = "The quick brown fox. The lazy dog sleeps!";
const demo = (file: string) => fromRoot("docs/examples/delegation-demo", file);

const cli = (args: string[]) => {
  const result = spawnSync(process.execPath, [fromRoot("dist/caxton.mjs"), ...args], {
    cwd: home,
    encoding: "utf8",
    timeout: 30_000,
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, "xdg"),
      DATABASE_URL: "",
      CAXTON_CONFIG: "",
      CAXTON_URL: caxton.url,
      CAXTON_TOKEN: token.token,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

const api = (route: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${caxton.url}/api/v1${route}`, {
    method: init.method ?? "GET",
    headers: { authorization: token.authorization, "content-type": "application/json" },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
async function send(capability: string, content: unknown): Promise<any> {
  const response = await api("/messages", { method: "POST", body: { capability, content, wait: 20 } });
  expect(response.status).toBe(200);
  return response.json();
}

beforeAll(async () => {
  environment = await useTestEnvironment("mock_delegation");
  caxton = await startCaxton(environment.env);
  const ws = await createWorkspaceWithRoles("mock-delegation");
  token = await ws.token("owner");
  home = mkdtempSync(path.join(os.tmpdir(), "caxton-mock-delegation-"));
});
afterAll(async () => {
  await caxton?.stop();
  await environment?.cleanup();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("a scripted mock agent that delegates to two tool agents", () => {
  it("is created from the example files with the CLI", () => {
    for (const file of ["word-counter.toml", "text-statistician.toml", "text-analyst.toml"]) {
      const pushed = cli(["agent", "push", demo(file)]);
      expect(pushed.status, pushed.stderr + pushed.stdout).toBe(0);
    }
  });

  it("routes a REST message, delegates to both tool agents one level down, and combines their answers", async () => {
    const body = await send("analyze-text", TEXT);
    expect(body.replies).toHaveLength(1);
    const [reply] = body.replies;
    expect(reply).toMatchObject({
      performative: "INFORM",
      sender: { label: "text-analyst" },
      trace: { provider: "mock", model: "scripted" },
    });

    const conversation = await (await api(`/conversations/${body.message.conversationId}`)).json();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of the conversation
    const messages: any[] = conversation.messages;
    const delegated = (capability: string) => {
      const request = messages.find((m) => m.performative === "REQUEST" && m.capability === capability);
      expect(request, `a delegated ${capability} request`).toBeDefined();
      expect(request).toMatchObject({
        parentId: body.message.id,
        depth: 1,
        sender: { type: "agent", label: "text-analyst" },
        content: TEXT,
      });
      const answer = messages.find((m) => m.inReplyTo === request.id);
      expect(answer).toMatchObject({ performative: "INFORM" });
      return { agent: answer.sender.label as string, content: answer.content };
    };
    const words = delegated("count-words");
    const stats = delegated("text-stats");
    expect(words).toMatchObject({ agent: "word-counter", content: { words: 8, lines: 1 } });
    expect(stats).toMatchObject({ agent: "text-statistician", content: { sentences: 2, uniqueWords: 7 } });

    // The reply is built from what the two tool agents actually answered.
    expect(reply.content).toBe(
      `[mock reply from text-analyst] ${words.agent} counted ${words.content.words} words on ${words.content.lines} line(s); ${stats.agent} found ${stats.content.sentences} sentence(s) and ${stats.content.uniqueWords} distinct words.`,
    );
    expect(reply.trace.steps).toEqual([
      { tool: "ask", input: { capability: "count-words", request: TEXT }, output: words },
      { tool: "ask", input: { capability: "text-stats", request: TEXT }, output: stats },
    ]);
  });

  it("answers `caxton send` the same way", () => {
    const sent = cli(["send", "analyze-text", TEXT]);
    expect(sent.status, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(
      /: answered\nINFORM from text-analyst:\n\[mock reply from text-analyst\] word-counter counted 8 words on 1 line\(s\); text-statistician found 2 sentence\(s\) and 7 distinct words\./,
    );
  });

  it("is held to [limits] max_steps like any model", async () => {
    const source = readFileSync(demo("text-analyst.toml"), "utf8")
      .replace('name = "text-analyst"', 'name = "hasty-analyst"')
      .replace('capabilities = ["analyze-text"]', 'capabilities = ["analyze-hastily"]')
      .concat("\n[limits]\nmax_steps = 1\n");
    const file = path.join(home, "hasty-analyst.toml");
    writeFileSync(file, source);
    const pushed = cli(["agent", "push", file]);
    expect(pushed.status, pushed.stdout).toBe(0);
    const body = await send("analyze-hastily", TEXT);
    expect(body.replies[0].performative).toBe("FAILURE");
    expect(body.replies[0].content.reason).toContain('Agent "hasty-analyst" used all 1 steps ([limits] max_steps)');
    expect(body.replies[0].trace).toMatchObject({ provider: "mock", steps: [{ tool: "ask", input: { capability: "count-words" } }] });
  });

  it("answers FAILURE naming the script entry when a delegation fails and the script reads a field it lacks", async () => {
    const file = path.join(home, "lonely.toml");
    writeFileSync(
      file,
      `name = "lonely"
version = "1.0.0"
description = "Asks a capability nobody offers."
capabilities = ["lonely"]
system_prompt = "x"

[llm]
provider = "mock"
model = "scripted"

[[llm.script]]
call = "ask"
input = { capability = "nobody-offers-this", request = "{{request}}" }

[[llm.script]]
reply = "{{result.1.content.words}}"
`,
    );
    expect(cli(["agent", "push", file]).status).toBe(0);
    const body = await send("lonely", "hello");
    expect(body.replies[0].performative).toBe("FAILURE");
    expect(body.replies[0].content.reason).toMatch(
      /^The mock provider failed for agent "lonely": \[\[llm\.script\]\] entry 2 uses \{\{result\.1\.content\.words\}\}, but \{\{result\.1\}\} has no field "content": it is \{"error":".*nobody-offers-this/,
    );
    expect(body.replies[0].trace.steps).toMatchObject([
      { tool: "ask", diagnostic: { message: expect.stringContaining("nobody-offers-this") } },
    ]);
  });
});
