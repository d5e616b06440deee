import { afterAll, describe, expect, it } from "vitest";
import { testTool } from "./fixtures";
import { createJsHost } from "./js-host";
import { createSandbox } from "./sandbox";

// Tool code that tries to run outside its deadline: while its result is copied out, while its
// error is read, in callbacks the engine runs later. Each must end as a diagnostic, the
// breached isolate disposed, and the next call of a normal tool must still work. Without the
// in-isolate serialization these calls never come back (the test times out).
const sandbox = createSandbox();
afterAll(() => sandbox.close());

const js = (source: string, timeoutMs = 200) => testTool("js", source, "run", { limits: { timeoutMs } });
const normal = js("function run(input) { return { sum: input.a + input.b }; }");
const failure = (outcome: Awaited<ReturnType<typeof sandbox.run>>) => (outcome.ok ? null : outcome.diagnostic);

const loop = "while (true) {}";
const hostile: [string, string, string | string[]][] = [
  ["a getter that loops in the result", `function run() { return { get x() { ${loop} } }; }`, "timeout"],
  ["a getter deep in the result", `function run() { return { a: [1, { get b() { ${loop} } }] }; }`, "timeout"],
  [
    "a Proxy result whose traps loop",
    `function run() { return new Proxy({}, { ownKeys() { ${loop} }, getPrototypeOf() { ${loop} }, get() { ${loop} } }); }`,
    "timeout",
  ],
  ["a toJSON that loops (never called: a function is not data)", `function run() { return { toJSON() { ${loop} } }; }`, "invalid_output"],
  ["a toJSON that loops, on the prototype", `function run() { return Object.create({ toJSON() { ${loop} } }); }`, "invalid_output"],
  [
    "Object.prototype.toJSON that loops",
    `Object.prototype.toJSON = function () { ${loop} }; function run() { return { a: 1 }; }`,
    "timeout",
  ],
  ["a thrown object whose message getter loops", `function run() { throw { get message() { ${loop} } }; }`, "timeout"],
  [
    "a thrown Error whose name getter loops",
    `function run() { const e = new Error("x"); Object.defineProperty(e, "name", { get() { ${loop} } }); throw e; }`,
    "timeout",
  ],
  ["a thrown Proxy", `function run() { throw new Proxy({}, { get() { ${loop} }, getPrototypeOf() { ${loop} } }); }`, "timeout"],
  ["a thrown object whose toString loops", `function run() { throw { toString() { ${loop} } }; }`, "timeout"],
  ["an async function that loops after await", `async function run() { await null; ${loop} }`, "timeout"],
  [
    "a microtask that loops after the call returned",
    `function run() { Promise.resolve().then(() => { ${loop} }); return { ok: 1 }; }`,
    "timeout",
  ],
  [
    "microtasks that queue themselves forever",
    "function run() { const again = () => Promise.resolve().then(again); again(); return { ok: 1 }; }",
    ["timeout", "memory"],
  ],
  ["a thenable result whose then loops (never called)", `function run() { return { then() { ${loop} } }; }`, "invalid_output"],
  ["a getter on then", `function run() { return { get then() { ${loop} } }; }`, "timeout"],
  [
    "Atomics.wait on a value that never changes",
    "function run() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); return {}; }",
    "timeout",
  ],
  ["a top level that loops", `${loop} function run() { return {}; }`, "timeout"],
  ["a top level that throws a Proxy", `throw new Proxy({}, { get() { ${loop} } }); function run() { return {}; }`, "timeout"],
  ["an entry that is a looping getter", `Object.defineProperty(globalThis, "run", { get() { ${loop} } });`, "timeout"],
  [
    "a huge result",
    "function run() { const a = []; for (let i = 0; i < 1e6; i++) a.push({ i, s: 'x'.repeat(64) }); return a; }",
    ["memory", "timeout"],
  ],
  ["a result nested 10 000 deep", "function run() { let v = {}; for (let i = 0; i < 1e4; i++) v = { v }; return v; }", "invalid_output"],
  ["a result with a cycle", "function run() { const a = {}; a.a = a; return a; }", "invalid_output"],
  [
    "an array whose length is a billion",
    "function run() { const a = []; a.length = 1e9; return a; }",
    ["timeout", "memory", "invalid_output"],
  ],
  ["a returned Promise", "function run() { return Promise.resolve({ a: 1 }); }", "invalid_output"],
];

describe("hostile JS tools", () => {
  it.each(hostile)("%s ends with a diagnostic, and the next normal call works", async (_name, source, kind) => {
    const diagnostic = failure(await sandbox.run(js(source), {}));
    expect([kind].flat()).toContain(diagnostic?.kind);
    expect(diagnostic!.message.length).toBeGreaterThan(10);
    expect(await sandbox.run(normal, { a: 2, b: 3 })).toMatchObject({ ok: true, output: { sum: 5 } });
  });

  it("removes the globals whose callbacks run between calls", async () => {
    const probe =
      "function run() { return { fr: typeof FinalizationRegistry, wa: typeof Atomics.waitAsync, wasm: typeof WebAssembly, weakRef: typeof WeakRef }; }";
    expect(await sandbox.run(js(probe), {})).toMatchObject({
      ok: true,
      output: { fr: "undefined", wa: "undefined", wasm: "undefined", weakRef: "function" },
    });
  });

  it("a breached deadline disposes the isolate: globals do not survive into the next call", async () => {
    const tool = js(`let calls = 0; function run(input) { calls++; if (input.spin) { ${loop} } return { calls }; }`);
    expect(await sandbox.run(tool, {})).toMatchObject({ ok: true, output: { calls: 1 } });
    expect(await sandbox.run(tool, {})).toMatchObject({ ok: true, output: { calls: 2 } });
    expect(failure(await sandbox.run(tool, { spin: true }))).toMatchObject({ kind: "timeout", limit: 200 });
    expect(await sandbox.run(tool, {})).toMatchObject({ ok: true, output: { calls: 1 } });
  });

  it("copies the output once: a getter cannot answer differently to the check and to the copy", async () => {
    const tool = js("let n = 0; function run() { return { get v() { return ++n === 1 ? 'checked' : new Date(); } }; }");
    expect(await sandbox.run(tool, {})).toMatchObject({ ok: true, output: { v: "checked" } });
  });

  it("keeps __proto__ a plain key and refuses what JSON would silently change", async () => {
    expect(await sandbox.run(js('function run() { return JSON.parse(\'{"__proto__": {"x": 1}}\'); }'), {})).toMatchObject({
      ok: true,
      output: { ["__proto__"]: { x: 1 } },
    });
    expect(failure(await sandbox.run(js("function run() { return { m: new Map() }; }"), {}))).toMatchObject({
      kind: "invalid_output",
      observed: "$.m",
    });
    expect(failure(await sandbox.run(js("function run() { return [1, NaN]; }"), {}))).toMatchObject({
      kind: "invalid_output",
      observed: "$[1]",
    });
  });

  it("concurrent hostile calls of one tool each end, and another tool's calls meanwhile succeed", async () => {
    const bad = js(`function run() { return { get x() { ${loop} } }; }`, 100);
    const runs = Array.from({ length: 8 }, () => sandbox.run(bad, {}));
    const good = await Promise.all(Array.from({ length: 8 }, (_, i) => sandbox.run(normal, { a: i, b: 1 })));
    expect(good.every((o) => o.ok)).toBe(true);
    expect((await Promise.all(runs)).map((o) => failure(o)?.kind)).toEqual(Array(8).fill("timeout"));
  });
});

describe("the JS host's last lines of defence", () => {
  it("disposes an isolate whose tool code runs between calls", async () => {
    // The prelude removes the known ways (FinalizationRegistry here); keeping them shows the
    // idle check catches what slips past.
    const breached: string[] = [];
    const host = createJsHost({ idleCheckMs: 20, keepRiskyGlobals: true, onBackgroundBreach: (tool) => breached.push(tool.name) });
    try {
      const source = `const registry = new FinalizationRegistry(() => { ${loop} });
        function run() { for (let i = 0; i < 2000; i++) registry.register({ a: new Array(1000) }, i); const junk = []; for (let i = 0; i < 200; i++) junk.push(new Array(10000).fill(i)); return {}; }`;
      const tool = testTool("js", source, "run", { name: "gc-spinner", limits: { maxMemoryPages: 256 } });
      expect(await host.call(tool, {})).toMatchObject({ ok: true });
      await expect.poll(() => host.stats().backgroundKills, { timeout: 5_000 }).toBe(1);
      expect(breached).toEqual(["gc-spinner"]);
      expect(host.stats().isolates).toBe(0);
      expect(await host.call(testTool("js", "function run() { return { fine: true }; }", "run"), {})).toMatchObject({
        ok: true,
        output: { fine: true },
      });
    } finally {
      await host.close();
    }
  });

  it("the watchdog disposes an isolate whose call has not come back by the deadline", async () => {
    // A negative grace makes the watchdog fire before isolated-vm's own timeout would.
    const host = createJsHost({ graceMs: -150 });
    try {
      const tool = testTool("js", `function run() { ${loop} }`, "run", { limits: { timeoutMs: 200 } });
      expect(await host.call(tool, {})).toMatchObject({ ok: false, diagnostic: { kind: "timeout", limit: 200 } });
      expect(host.stats()).toMatchObject({ watchdogKills: 1, isolates: 0 });
      expect(await host.call(testTool("js", "function run() { return 7; }", "run"), {})).toMatchObject({ ok: true, output: 7 });
    } finally {
      await host.close();
    }
  });
});

describe("tool scripts load as they would as a plain script", () => {
  it("finds the entry of a strict-mode script, and of one ending in a line comment", async () => {
    const strict = js('"use strict";\nconst K = 2;\nfunction run(input) { return { n: input.n * K }; }');
    expect(await sandbox.run(strict, { n: 21 })).toMatchObject({ ok: true, output: { n: 42 } });
    const commented = js("function run() { return { ok: true }; } // the end");
    expect(await sandbox.run(commented, {})).toMatchObject({ ok: true, output: { ok: true } });
    expect(failure(await sandbox.run(js("function other() {}"), {}))?.message).toMatch(/failed to load: no global function "run"/);
  });
});
