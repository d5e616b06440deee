import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import createPlugin, { type CallContext, type Plugin } from "@extism/extism";
import { Ajv2020 } from "ajv/dist/2020.js";
import ivm from "isolated-vm";
import { parse as parseToml } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromRoot } from "../platform/paths";
import { listSampleTools, type SampleTool } from "./samples";

// Runs the sample tools the way the sandboxes will, but directly: wasm through Extism in a
// worker with a test caxton_http, js through isolated-vm. The inputs are checked against each
// manifest's inputSchema and every output against its outputSchema.

interface Manifest {
  name: string;
  kind: "wasm" | "js";
  entry: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  permissions: { timeoutMs: number; maxMemoryPages: number; allowedHosts: string[] };
}

// A local copy of the memory-section reader from the research notes (§3): the sandbox has its
// own (server/tools/sandbox/), and this test must not depend on it.
interface WasmMemory {
  imported: boolean;
  initial: number;
  maximum: number | null;
}
function wasmMemories(b: Uint8Array): WasmMemory[] {
  if (b.length < 8 || b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) throw new Error("not wasm");
  let p = 8;
  const byte = () => {
    const x = b[p++];
    if (x === undefined) throw new Error("truncated");
    return x;
  };
  const u32 = () => {
    let r = 0,
      s = 0,
      x;
    do {
      x = byte();
      r += (x & 0x7f) * 2 ** s;
      s += 7;
    } while (x & 0x80);
    return r;
  };
  const name = () => {
    const n = u32();
    p += n;
  };
  const limits = (imported: boolean): WasmMemory => {
    const flags = u32();
    const initial = u32();
    return { imported, initial, maximum: flags & 1 ? u32() : null };
  };
  const out: WasmMemory[] = [];
  while (p < b.length) {
    const id = byte();
    const size = u32();
    const end = p + size;
    if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        name();
        name();
        const kind = byte();
        if (kind === 0) u32();
        else if (kind === 1) {
          p++;
          limits(true);
        } else if (kind === 2) out.push(limits(true));
        else if (kind === 3) p += 2;
        else if (kind === 4) {
          p++;
          u32();
        } else throw new Error(`unknown import kind ${kind}`);
      }
    } else if (id === 5) {
      for (let n = u32(); n > 0; n--) out.push(limits(false));
    }
    p = end;
  }
  return out;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
let tools: SampleTool[] = [];
const manifests = new Map<string, Manifest>();
const plugins = new Map<string, Plugin>();
const isolates: ivm.Isolate[] = [];
let server: http.Server;
let origin = "";

/** The hosts the test caxton_http lets through; it answers everything else with host_denied. */
let allowedHosts: string[] = [];
const httpLog: { url: string; method: string }[] = [];

/**
 * Caxton's HTTP host function, as the sandbox implements it: it must never throw (a throwing
 * host function wedges the plugin for good), so every failure is a JSON answer.
 */
async function caxtonHttp(ctx: CallContext, requestOffset: bigint): Promise<bigint> {
  try {
    const request = JSON.parse(ctx.read(requestOffset)?.text() ?? "null") as { url: string; method: string };
    httpLog.push({ url: request.url, method: request.method });
    const url = new URL(request.url);
    if (!allowedHosts.includes(url.host))
      return ctx.store(JSON.stringify({ status: 0, error: `host_denied: ${url.host} is not in the tool's allowedHosts` }));
    const response = await fetch(url, { method: request.method });
    const body = await response.text();
    return ctx.store(JSON.stringify({ status: response.status, headers: Object.fromEntries(response.headers), body, error: null }));
  } catch (e) {
    return ctx.store(JSON.stringify({ status: 0, error: `fetch_failed: ${e instanceof Error ? e.message : String(e)}` }));
  }
}

function manifestOf(name: string): Manifest {
  const manifest = manifests.get(name);
  if (!manifest) throw new Error(`no sample tool ${name}`);
  return manifest;
}

function checkSchema(name: string, which: "inputSchema" | "outputSchema", value: unknown) {
  const validate = ajv.compile(manifestOf(name)[which]);
  if (!validate(value))
    throw new Error(`${name}: ${which} rejects ${JSON.stringify(value).slice(0, 200)}: ${ajv.errorsText(validate.errors)}`);
}

async function pluginFor(name: string): Promise<Plugin> {
  let plugin = plugins.get(name);
  if (!plugin) {
    const tool = tools.find((t) => t.name === name);
    if (!tool) throw new Error(`no sample tool ${name}`);
    plugin = await createPlugin(
      { wasm: [{ data: tool.code }] },
      {
        runInWorker: true,
        timeoutMs: 2000,
        useWasi: false,
        logLevel: "silent",
        functions: { "extism:host/user": { caxton_http: caxtonHttp } },
      },
    );
    plugins.set(name, plugin);
  }
  return plugin;
}

/** Calls a wasm tool with the JSON text of input; returns the parsed output. */
async function runWasm(name: string, input: Record<string, unknown>): Promise<unknown> {
  checkSchema(name, "inputSchema", input);
  const plugin = await pluginFor(name);
  let output;
  try {
    output = await plugin.call(manifestOf(name).entry, JSON.stringify(input));
  } catch (e) {
    // Traps reject with a plain object, not an Error: keep only its message.
    throw new Error(String((e as { message?: unknown })?.message ?? e));
  }
  if (!output) throw new Error(`${name} produced no output`);
  const value: unknown = JSON.parse(output.text());
  checkSchema(name, "outputSchema", value);
  return value;
}

async function runJs(name: string, input: Record<string, unknown>): Promise<unknown> {
  checkSchema(name, "inputSchema", input);
  const tool = tools.find((t) => t.name === name);
  if (!tool) throw new Error(`no sample tool ${name}`);
  const isolate = new ivm.Isolate({ memoryLimit: 16 });
  isolates.push(isolate);
  try {
    const context = await isolate.createContext();
    const script = await isolate.compileScript(new TextDecoder().decode(tool.code), { filename: `${name}/tool.js` });
    await script.run(context, { timeout: 1000 });
    const entry = await context.global.get(manifestOf(name).entry, { reference: true });
    expect(entry.typeof).toBe("function");
    const value: unknown = await entry.apply(undefined, [input], { arguments: { copy: true }, result: { copy: true }, timeout: 1000 });
    checkSchema(name, "outputSchema", value);
    return value;
  } finally {
    isolate.dispose();
  }
}

beforeAll(async () => {
  // The build skips tools whose .wasm is newer than their sources; a cold build is ~2 s a tool.
  await promisify(execFile)(process.execPath, [fromRoot("scripts/build-plugins.mjs")], { cwd: fromRoot(), timeout: 120_000 });
  tools = listSampleTools();
  for (const tool of tools) manifests.set(tool.name, parseToml(tool.manifestText) as unknown as Manifest);

  server = http.createServer((req, res) => {
    if (req.url === "/hello") {
      res.setHeader("content-type", "text/plain; charset=utf-8");
      res.end('grüße, 世界 😀 "quoted"\n');
    } else if (req.url === "/big") {
      res.setHeader("content-type", "text/plain; charset=utf-8");
      res.end("é".repeat(50_000)); // 100 000 bytes of UTF-8
    } else {
      res.statusCode = 404;
      res.end("no such page");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts = [`127.0.0.1:${port}`];
}, 180_000);

afterAll(async () => {
  // A worker left open keeps vitest alive.
  await Promise.all([...plugins.values()].map((p) => p.close()));
  for (const isolate of isolates) if (!isolate.isDisposed) isolate.dispose();
  await new Promise((resolve) => server?.close(resolve));
});

describe("sample tools on disk", () => {
  it("lists every plugins/<name>/ with its manifest and code", () => {
    expect(tools.map((t) => `${t.name}:${t.kind}`)).toEqual([
      "csv-to-json:js",
      "fetch-url:wasm",
      "json-query:wasm",
      "slugify:js",
      "text-stats:wasm",
      "word-count:wasm",
    ]);
    for (const tool of tools) {
      const manifest = manifestOf(tool.name);
      expect(manifest.name).toBe(tool.name);
      expect(tool.manifestPath).toBe(fromRoot("plugins", tool.name, "manifest.toml"));
      expect(tool.code.byteLength).toBeGreaterThan(0);
      expect(() => ajv.compile(manifest.inputSchema)).not.toThrow();
      expect(() => ajv.compile(manifest.outputSchema)).not.toThrow();
    }
  });

  it("tells to run the build when a wasm tool is not built, and checks the folder against the name", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "caxton-samples-"));
    try {
      mkdirSync(path.join(dir, "demo"));
      writeFileSync(path.join(dir, "demo", "manifest.toml"), 'name = "demo"\nkind = "wasm"\n');
      expect(() => listSampleTools(dir)).toThrow(
        "demo/dist/demo.wasm is missing: run `npm run build:plugins` to compile the sample wasm tools",
      );
      writeFileSync(path.join(dir, "demo", "manifest.toml"), 'name = "other"\nkind = "js"\n');
      expect(() => listSampleTools(dir)).toThrow('name is "other", but the folder is demo/');
      writeFileSync(path.join(dir, "demo", "manifest.toml"), 'name = "demo"\nkind = "js"\n');
      writeFileSync(path.join(dir, "demo", "tool.js"), "function run(input) { return input; }\n");
      expect(listSampleTools(dir).map((t) => [t.name, t.kind, new TextDecoder().decode(t.code)])).toEqual([
        ["demo", "js", "function run(input) { return input; }\n"],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("wasm modules export the entry, import only Extism and Caxton functions, and cap their memory at the manifest's maxMemoryPages", () => {
    for (const tool of tools.filter((t) => t.kind === "wasm")) {
      const manifest = manifestOf(tool.name);
      const mod = new WebAssembly.Module(tool.code);
      expect(WebAssembly.Module.exports(mod).map((e) => e.name)).toContain(manifest.entry);
      const foreign = WebAssembly.Module.imports(mod).filter(
        (i) => !(i.kind === "function" && (i.module === "extism:host/env" || i.module === "extism:host/user")),
      );
      expect(foreign, tool.name).toEqual([]);
      const userImports = WebAssembly.Module.imports(mod)
        .filter((i) => i.module === "extism:host/user")
        .map((i) => i.name);
      expect(userImports, tool.name).toEqual(tool.name === "fetch-url" ? ["caxton_http"] : []);
      const memories = wasmMemories(tool.code);
      expect(memories.length, tool.name).toBe(1);
      for (const memory of memories) {
        expect(memory.imported).toBe(false);
        expect(memory.maximum, tool.name).not.toBeNull();
        expect(memory.maximum!, tool.name).toBeLessThanOrEqual(manifest.permissions.maxMemoryPages);
      }
    }
  });

  it("js tools are scripts with no imports, require or host APIs", () => {
    for (const tool of tools.filter((t) => t.kind === "js")) {
      const source = new TextDecoder().decode(tool.code);
      expect(source, tool.name).not.toMatch(/^\s*(import|export)\b|\brequire\(|\bprocess\.|\bfetch\(/m);
      expect(source, tool.name).toContain(`function ${manifestOf(tool.name).entry}(input)`);
    }
  });
});

describe("word-count", () => {
  it("counts words, lines and characters", async () => {
    expect(await runWasm("word-count", { text: "one two  three\nfour\n" })).toEqual({ words: 4, lines: 2, chars: 20 });
    expect(await runWasm("word-count", { text: "" })).toEqual({ words: 0, lines: 0, chars: 0 });
    expect(await runWasm("word-count", { text: "a\r\nb\rc" })).toEqual({ words: 3, lines: 3, chars: 6 });
  });

  it("counts code points, and Unicode spaces separate words", async () => {
    // é, 世, 界 are one unit each; 😀 is two UTF-16 units but one character; U+3000 and U+00A0 are spaces.
    const text = "héllo 世界\u3000😀\u00a0x";
    expect([...text].length).toBe(12);
    expect(await runWasm("word-count", { text })).toEqual({ words: 4, lines: 1, chars: 12 });
  });

  it("reports bad input as an error the caller can read", async () => {
    const plugin = await pluginFor("word-count");
    await expect(plugin.call("count", '{"text": 5}')).rejects.toThrow(/invalid input: "text" must be a string, not number/);
    await expect(plugin.call("count", "not json")).rejects.toThrow(/invalid input: not JSON/);
    await expect(plugin.call("count", "[1]")).rejects.toThrow(/expected a JSON object, got array/);
    expect(await runWasm("word-count", { text: "still works" })).toEqual({ words: 2, lines: 1, chars: 11 });
  });
});

describe("json-query", () => {
  const document = JSON.stringify({ a: { b: [{ c: "grüße 😀" }, 2.5, [true, null]] }, "odd.key": { "x y": 1e3 }, list: [] });
  const query = (path: string) => runWasm("json-query", { document, path });

  it("follows nested names and array indexes", async () => {
    expect(await query("a.b[0].c")).toEqual({ found: true, type: "string", value: '"grüße 😀"' });
    expect(await query("a.b[1]")).toEqual({ found: true, type: "number", value: "2.5" });
    expect(await query("a.b[2][0]")).toEqual({ found: true, type: "boolean", value: "true" });
    expect(await query("a.b[-1][1]")).toEqual({ found: true, type: "null", value: "null" });
    expect(await query('$["odd.key"]["x y"]')).toEqual({ found: true, type: "number", value: "1000" });
  });

  it("returns whole subtrees as compact JSON", async () => {
    const whole = (await query("")) as { value: string };
    expect(JSON.parse(whole.value)).toEqual(JSON.parse(document));
    expect(await query("a.b[2]")).toEqual({ found: true, type: "array", value: "[true,null]" });
    expect(await query("list")).toEqual({ found: true, type: "array", value: "[]" });
  });

  it("says which step failed when nothing is there", async () => {
    expect(await query("a.nope.c")).toEqual({ found: false, type: null, value: null, reason: '"a" has no member "nope"' });
    expect(await query("a.b[7]")).toEqual({
      found: false,
      type: null,
      value: null,
      reason: 'index 7 is out of range: "a.b" has 3 elements',
    });
    expect(await query("a.b[0].c.d")).toEqual({ found: false, type: null, value: null, reason: '"a.b[0].c" is a string, not an object' });
    expect(await query("a[0]")).toEqual({ found: false, type: null, value: null, reason: '"a" is an object, not an array' });
  });

  it("escapes strings it writes back, reads \\u escapes and keeps numbers as written", async () => {
    const escaped = '{"s":"line\\nbreak \\"q\\" \\\\ \\u00e9 \\ud83d\\ude00"}';
    expect(await runWasm("json-query", { document: escaped, path: "s" })).toEqual({
      found: true,
      type: "string",
      value: JSON.stringify('line\nbreak "q" \\ é 😀'),
    });
    // Numbers come back as written, not re-formatted.
    expect(await runWasm("json-query", { document: '{"n": [1e3, -0.50, 12345678901234567890]}', path: "n" })).toEqual({
      found: true,
      type: "array",
      value: "[1e3,-0.50,12345678901234567890]",
    });
  });

  it("rejects a document that is not JSON and a path it cannot read", async () => {
    await expect(runWasm("json-query", { document: '{"a":1,}', path: "a" })).rejects.toThrow(
      /document is not valid JSON: expected a member name in double quotes at position 7/,
    );
    await expect(runWasm("json-query", { document: "{}", path: "a..b" })).rejects.toThrow(/invalid path "a\.\.b": empty name at column 3/);
    await expect(runWasm("json-query", { document: "{}", path: "a[x]" })).rejects.toThrow(/expected an array index or a quoted name/);
    await expect(runWasm("json-query", { document: "[".repeat(1000), path: "" })).rejects.toThrow(/nested deeper than 256 levels/);
  });
});

describe("text-stats", () => {
  it("counts sentences and words, averages and the most frequent words", async () => {
    const text = "The cat sat. The cat ran! Did the dog see it? Pi is 3.14, and that's that";
    // "3.14" is one word of 4 characters, "that's" one of 5 letters: 52 letters in 17 words.
    expect(await runWasm("text-stats", { text })).toEqual({
      characters: text.length,
      words: 17,
      uniqueWords: 14,
      sentences: 4,
      averageWordLength: 3.06,
      averageWordsPerSentence: 4.25,
      topWords: [
        { word: "the", count: 3 },
        { word: "cat", count: 2 },
        { word: "sat", count: 1 },
        { word: "ran", count: 1 },
        { word: "did", count: 1 },
      ],
    });
  });

  it("handles accented and non-Latin text and an empty text", async () => {
    const stats = (await runWasm("text-stats", { text: "Ça va? Très bien. ÇA ça 😀 — 世界！" })) as {
      words: number;
      sentences: number;
      topWords: { word: string; count: number }[];
    };
    expect(stats.words).toBe(7);
    expect(stats.sentences).toBe(3);
    expect(stats.topWords[0]).toEqual({ word: "ça", count: 3 });
    expect(stats.topWords.map((w) => w.word)).toContain("très");
    expect(await runWasm("text-stats", { text: "" })).toMatchObject({ words: 0, sentences: 0, averageWordLength: 0, topWords: [] });
  });
});

describe("fetch-url", () => {
  it("GETs an allowed URL through caxton_http, keeping non-ASCII text intact", async () => {
    const result = await runWasm("fetch-url", { url: `${origin}/hello` });
    expect(result).toEqual({ status: 200, contentType: "text/plain; charset=utf-8", body: 'grüße, 世界 😀 "quoted"\n', truncated: false });
    expect(httpLog.at(-1)).toEqual({ url: `${origin}/hello`, method: "GET" });
  });

  it("returns an HTTP error status as a result", async () => {
    expect(await runWasm("fetch-url", { url: `${origin}/missing` })).toMatchObject({ status: 404, body: "no such page", truncated: false });
  });

  it("cuts the body to 64 KiB of UTF-8 on a character boundary", async () => {
    const result = (await runWasm("fetch-url", { url: `${origin}/big` })) as { body: string; truncated: boolean };
    expect(result.truncated).toBe(true);
    expect(Buffer.byteLength(result.body)).toBe(65_536);
    expect(result.body).toBe("é".repeat(32_768));
  });

  it("fails with the host's reason when a host is denied, and stays usable", async () => {
    await expect(runWasm("fetch-url", { url: "http://example.com/" })).rejects.toThrow(
      /fetching http:\/\/example\.com\/ failed: host_denied: example\.com is not in the tool's allowedHosts/,
    );
    const closedPort = `http://127.0.0.1:1/`;
    allowedHosts.push("127.0.0.1:1");
    await expect(runWasm("fetch-url", { url: closedPort })).rejects.toThrow(/failed: fetch_failed/);
    expect(await runWasm("fetch-url", { url: `${origin}/hello` })).toMatchObject({ status: 200 });
  });

  it("refuses URLs that are not http or https before calling the host", async () => {
    const before = httpLog.length;
    await expect(runWasm("fetch-url", { url: "file:///etc/passwd" })).rejects.toThrow(/"url" must start with http:\/\/ or https:\/\//);
    expect(httpLog.length).toBe(before);
  });
});

describe("slugify", () => {
  it("makes URL slugs from accented text", async () => {
    expect(await runJs("slugify", { text: "Crème Brûlée!  Straße & Łódź" })).toEqual({ slug: "creme-brulee-strasse-and-lodz" });
    expect(await runJs("slugify", { text: "Hello, World", separator: "_" })).toEqual({ slug: "hello_world" });
    expect(await runJs("slugify", { text: "Привет 😀" })).toEqual({ slug: "" });
  });

  it("cuts at a word boundary within maxLength", async () => {
    expect(await runJs("slugify", { text: "the quick brown fox", maxLength: 12 })).toEqual({ slug: "the-quick" });
    expect(await runJs("slugify", { text: "supercalifragilistic", maxLength: 5 })).toEqual({ slug: "super" });
  });
});

describe("csv-to-json", () => {
  it("parses quoted fields with delimiters, doubled quotes and line breaks", async () => {
    const csv = 'name,note\r\nAda,"says ""hi"", then, leaves"\r\n\r\nBob,"two\nlines"\nÜmit 😀,\n';
    expect(await runJs("csv-to-json", { csv })).toEqual({
      columns: ["name", "note"],
      rows: [
        { name: "Ada", note: 'says "hi", then, leaves' },
        { name: "Bob", note: "two\nlines" },
        { name: "Ümit 😀", note: "" },
      ],
    });
  });

  it("reads other delimiters and files without a header", async () => {
    expect(await runJs("csv-to-json", { csv: '1;2\n""\n3', delimiter: ";", header: false })).toEqual({
      columns: [],
      rows: [["1", "2"], [""], ["3"]],
    });
    expect(await runJs("csv-to-json", { csv: "a,a,,__proto__\n1,2,3,4" })).toEqual({
      columns: ["a", "a_2", "column3", "__proto__"],
      rows: [{ a: "1", a_2: "2", column3: "3", ["__proto__"]: "4" }],
    });
  });

  it("says where malformed CSV goes wrong", async () => {
    await expect(runJs("csv-to-json", { csv: "a,b\n1,2,3" })).rejects.toThrow(/line 2: 3 fields, but the header names 2 columns/);
    await expect(runJs("csv-to-json", { csv: 'a,b\n"x"y,2' })).rejects.toThrow(/line 2: unexpected "y" after a closing quote/);
    await expect(runJs("csv-to-json", { csv: 'a\n\n"open' })).rejects.toThrow(/line 3: a quoted field is never closed/);
  });
});
