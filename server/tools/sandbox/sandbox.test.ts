import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFixture, testTool } from "./fixtures";
import { createSandbox } from "./sandbox";

let wasm: Uint8Array;
let server: http.Server;
let origin: string;
const sandbox = createSandbox();

beforeAll(async () => {
  wasm = await compileFixture("tools");
  server = http.createServer((req, res) => res.end(`hi ${req.method} ${req.url}`));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => server.close(resolve));
});

const failure = (outcome: Awaited<ReturnType<typeof sandbox.run>>) => (outcome.ok ? null : outcome.diagnostic);

describe("wasm tools", () => {
  it("runs a tool and passes JSON both ways", async () => {
    const outcome = await sandbox.run(testTool("wasm", wasm, "echo"), { text: "héllo wörld" });
    expect(outcome).toMatchObject({ ok: true, output: { text: "héllo wörld" } });
  });

  it("refuses input that does not match inputSchema before running anything", async () => {
    const tool = testTool("wasm", wasm, "spin", {
      inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"], additionalProperties: false },
    });
    const diagnostic = failure(await sandbox.run(tool, { text: 3, extra: true }));
    expect(diagnostic).toMatchObject({ kind: "invalid_input", limit: null });
    expect(diagnostic!.message).toMatch(/\/text must be string/);
    expect(diagnostic!.message).toMatch(/must NOT have additional properties \(extra\)/);
    expect(sandbox.stats().wasm.created).toBe(1); // only the echo test's plugin: spin never started
  });

  it("refuses output that is not JSON or does not match outputSchema", async () => {
    expect(failure(await sandbox.run(testTool("wasm", wasm, "not_json"), {}))).toMatchObject({
      kind: "invalid_output",
      observed: "this is not JSON",
    });
    const tool = testTool("wasm", wasm, "count", { outputSchema: { type: "object", required: ["lines"] } });
    expect(failure(await sandbox.run(tool, { text: "a b" }))?.message).toMatch(/outputSchema: \/ must have required property 'lines'/);
  });

  it("stops an infinite loop at timeoutMs", async () => {
    const outcome = await sandbox.run(testTool("wasm", wasm, "spin", { limits: { timeoutMs: 100 } }), {});
    const diagnostic = failure(outcome);
    expect(diagnostic).toMatchObject({ kind: "timeout", limit: 100 });
    // The call is measured, not assumed: it cannot have ended before its deadline did.
    expect(outcome.durationMs).toBeGreaterThanOrEqual(100);
    expect(diagnostic!.observed).toBeGreaterThanOrEqual(100);
    expect(diagnostic!.observed).toBeGreaterThanOrEqual(100);
  });

  // AssemblyScript's allocator traps with a bare `unreachable` when memory.grow fails at the
  // declared maximum, so the bomb is a trap whose message points at the memory cap.
  it("ends a memory bomb at the module's declared maximum as a trap that names the cap", async () => {
    const diagnostic = failure(await sandbox.run(testTool("wasm", wasm, "bomb"), {}));
    expect(diagnostic).toMatchObject({ kind: "trap", observed: "unreachable" });
    expect(diagnostic!.message).toMatch(/memory cannot grow past its declared maximum, at most 64 pages/);
  });

  it("reports a trap and a tool-reported error, and the tool works again afterwards", async () => {
    const tool = testTool("wasm", wasm, "trap");
    expect(failure(await sandbox.run(tool, {}))).toMatchObject({ kind: "trap", observed: "unreachable" });
    expect(failure(await sandbox.run(testTool("wasm", wasm, "fail"), { why: 1 }))).toMatchObject({
      kind: "trap",
      observed: 'refused: {"why":1}',
    });
    const echo = testTool("wasm", wasm, "echo", { key: tool.key }); // same key: the pool must hold no broken plugin
    expect(await sandbox.run(echo, { again: true })).toMatchObject({ ok: true, output: { again: true } });
  });

  it("lets caxton_http reach an allowed host", async () => {
    const tool = testTool("wasm", wasm, "fetch", { limits: { allowedHosts: [origin] } });
    const outcome = await sandbox.run(tool, { url: `http://${origin}/data`, method: "GET" });
    expect(outcome).toMatchObject({ ok: true, output: { status: 200, body: "hi GET /data" } });
  });

  it("denies a host outside allowedHosts even when the plugin handles the error, and the next call succeeds", async () => {
    const tool = testTool("wasm", wasm, "fetch", { limits: { allowedHosts: [origin] } });
    const diagnostic = failure(await sandbox.run(tool, { url: "http://example.com/x" }));
    expect(diagnostic).toMatchObject({ kind: "host_denied", observed: "example.com", limit: JSON.stringify([origin]) });
    const wrongPort = failure(await sandbox.run(tool, { url: "http://127.0.0.1:1/x" }));
    expect(wrongPort).toMatchObject({ kind: "host_denied", observed: "127.0.0.1:1" });
    expect(await sandbox.run(tool, { url: `http://${origin}/again` })).toMatchObject({
      ok: true,
      output: { status: 200, body: "hi GET /again" },
    });
  });

  it("refuses, without running it, a module that slipped past upload checks", async () => {
    const noMax = await compileFixture("tools", { maximumMemory: null });
    const diagnostic = failure(await sandbox.run(testTool("wasm", noMax, "echo"), {}));
    expect(diagnostic).toMatchObject({ kind: "trap", observed: "no_memory_maximum" });
  });
});

describe("JS tools", () => {
  const js = (source: string, limits = {}) => testTool("js", source, "run", { limits });

  it("passes the input object and returns the output object", async () => {
    const outcome = await sandbox.run(js("function run(input) { return { words: input.text.split(' ').length }; }"), { text: "a b c" });
    expect(outcome).toMatchObject({ ok: true, output: { words: 3 } });
  });

  it("stops a loop, disposes its isolate, and a fresh one answers the next call", async () => {
    const tool = js("function run(input) { if (input.spin) for (;;) {} return { ok: 1 }; }", { timeoutMs: 100 });
    const disposed = sandbox.stats().js.disposed;
    expect(failure(await sandbox.run(tool, { spin: true }))).toMatchObject({ kind: "timeout", limit: 100 });
    expect(sandbox.stats().js.disposed).toBe(disposed + 1);
    expect(await sandbox.run(tool, {})).toMatchObject({ ok: true, output: { ok: 1 } });
  });

  it("stops a memory bomb, then recreates the isolate", async () => {
    const tool = js(
      "const keep = []; function run(input) { if (input.bomb) for (;;) keep.push(new Array(1e5).fill(Math.random())); return { n: keep.length }; }",
      { maxMemoryPages: 128 },
    );
    expect(failure(await sandbox.run(tool, { bomb: true }))).toMatchObject({ kind: "memory", limit: 128 });
    expect(await sandbox.run(tool, {})).toMatchObject({ ok: true, output: { n: 0 } });
  });

  it("reports a throw with its message", async () => {
    expect(failure(await sandbox.run(js("function run() { throw new TypeError('bad arg: 42'); }"), {}))).toMatchObject({
      kind: "trap",
      observed: "TypeError: bad arg: 42",
    });
  });

  it("finds nothing of the host: no process, require, or import", async () => {
    const probe =
      "function run() { return { process: typeof process, require: typeof require, gp: typeof globalThis.process, fetch: typeof fetch, keys: Object.getOwnPropertyNames(globalThis).filter(k => !/^[A-Z]/.test(k)).sort().join(',') }; }";
    const outcome = await sandbox.run(js(probe), {});
    expect(outcome).toMatchObject({
      ok: true,
      output: { process: "undefined", require: "undefined", gp: "undefined", fetch: "undefined" },
    });
    expect(outcome.ok && (outcome.output as { keys: string }).keys).not.toMatch(/process|require|ivm|_ivm/);
  });

  it("refuses functions and undefined as output", async () => {
    expect(failure(await sandbox.run(js("function run() { return { f: () => 1 }; }"), {}))).toMatchObject({ kind: "invalid_output" });
    expect(failure(await sandbox.run(js("function run() {}"), {}))).toMatchObject({ kind: "invalid_output", observed: "$ (undefined)" });
    expect(failure(await sandbox.run(js("function run() { return { d: new Date(0) }; }"), {}))).toMatchObject({
      kind: "invalid_output",
      observed: "$.d",
    });
  });

  it("reports a tool that fails to load", async () => {
    expect(failure(await sandbox.run(js("function run( {"), {}))?.message).toMatch(/failed to load: SyntaxError/);
  });
});
