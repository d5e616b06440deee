import { describe, expect, it } from "vitest";
import type { PushResult } from "../server/agents/agents";
import { validateAgentSource } from "../server/agents/validate";
import { createDevLoop } from "../cli/dev-loop";
import { CliFailure, exitCodes } from "../cli/errors";
import { sampleAgent } from "./support/agents";

/** The `caxton dev` core with an in-memory folder and server: no watcher, no network. */
function harness() {
  const files = new Map<string, string>();
  const pushed: string[] = [];
  const lines: string[] = [];
  let refuse: CliFailure | undefined;
  const loop = createDevLoop({
    dir: "agents",
    debounceMs: 5,
    read: async (file) => {
      const text = files.get(file);
      if (text === "<locked>") throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
      if (text === undefined) throw Object.assign(new Error("gone"), { code: "ENOENT" });
      return new TextEncoder().encode(text);
    },
    validate: validateAgentSource,
    push: async (bytes) => {
      if (refuse) throw refuse;
      const text = new TextDecoder().decode(bytes);
      pushed.push(text);
      const name = /name = "(.*)"/.exec(text)![1]!;
      return {
        outcome: pushed.length === 1 ? "created" : "updated",
        agent: { name },
        version: { number: pushed.length },
        diff: null,
        warnings: [],
      } as unknown as PushResult;
    },
    print: (text) => lines.push(text),
  });
  return { loop, files, pushed, lines, refuseWith: (failure?: CliFailure) => (refuse = failure) };
}

describe("caxton dev loop", () => {
  it("coalesces a burst of events into one push, and ignores repeats and editor files", async () => {
    const { loop, files, pushed, lines } = harness();
    files.set("agents/a.toml", sampleAgent("alpha"));
    for (let i = 0; i < 5; i++) loop.changed("a.toml");
    loop.changed(".a.toml.swp");
    loop.changed("a.toml~");
    loop.changed("4913");
    await loop.idle();
    expect(pushed).toHaveLength(1);
    expect(lines[0]).toMatch(/^agents\/a\.toml: created alpha v1 in \d+ ms$/);

    loop.changed("a.toml"); // same bytes again: nothing to push
    await loop.idle();
    expect(pushed).toHaveLength(1);
    loop.close();
  });

  it("does not push an invalid save, and pushes the next valid one", async () => {
    const { loop, files, pushed, lines } = harness();
    files.set("agents/a.toml", sampleAgent("alpha").replace("[llm]", "[llm]\nmodle = 1"));
    loop.changed("a.toml");
    await loop.idle();
    expect(pushed).toHaveLength(0);
    expect(lines.join("\n")).toContain("agents/a.toml:8:1: error [unknown_key]");
    expect(lines.join("\n")).toContain("agents/a.toml: not pushed (1 error); the active version on the server is unchanged.");

    files.set("agents/a.toml", sampleAgent("alpha"));
    loop.changed("a.toml");
    await loop.idle();
    expect(pushed).toHaveLength(1);
    loop.close();
  });

  it("reports deleted and unreadable files and server refusals without stopping", async () => {
    const { loop, files, pushed, lines, refuseWith } = harness();
    loop.changed("gone.toml");
    await loop.idle();
    expect(lines.at(-1)).toContain("agents/gone.toml: removed; the agent stays on the server");
    files.set("agents/locked.toml", "<locked>");
    loop.changed("locked.toml");
    await loop.idle();
    expect(lines.at(-1)).toBe("agents/locked.toml: error: cannot read: permission denied");

    files.set("agents/b.toml", sampleAgent("beta"));
    refuseWith(new CliFailure(exitCodes.unreachable, { code: "unreachable", message: "Cannot reach Caxton.", hint: "Start it." }));
    loop.changed("b.toml");
    await loop.idle();
    expect(lines.at(-1)).toBe("agents/b.toml: error: Cannot reach Caxton.\n    Start it.");

    // The same bytes are pushed again on the next save, since the last attempt failed.
    refuseWith(undefined);
    loop.changed("b.toml");
    await loop.idle();
    expect(pushed).toHaveLength(1);
    loop.close();
  });

  it("pushes every agent file at start, in name order", async () => {
    const { loop, files, pushed } = harness();
    files.set("agents/b.toml", sampleAgent("beta"));
    files.set("agents/a.toml", sampleAgent("alpha"));
    await loop.processAll(["b.toml", "notes.md", "a.toml"]);
    expect(pushed.map((text) => /name = "(.*)"/.exec(text)![1])).toEqual(["alpha", "beta"]);
    loop.close();
  });
});
