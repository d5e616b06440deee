// The code Caxton runs in a JS tool's isolate before the tool's own: one function, kept off the
// global object, through which the tool is loaded and called. Everything the tool can make run
// (its top level, the entry, getters, proxies, toJSON, a thrown object's message, the microtasks
// it queues) runs inside that function's call, under its timeout, and only a primitive string
// comes back. Measured with isolated-vm 5.0.4: copying a result or a thrown object out of the
// isolate runs the tool's getters and proxy traps after the timeout has ended, unbounded, and a
// thrown Proxy wedged the process past isolate.dispose(); microtasks queued by a call run
// before the call returns, inside its timeout.
//
// Answers: "o<json>" output, "u" undefined, "p" a Promise or thenable, "j<path>" not JSON data
// at path, "e<text>" an error. The output is copied into fresh plain objects first (getters read
// once, data properties only), so what is checked is exactly what is serialized.

/** Globals removed before the tool runs, each with why. */
export const removedGlobals = {
  // Its callbacks run when V8 collects garbage, between calls: outside any timeout (measured:
  // a looping callback held the isolate's thread after its call had returned).
  FinalizationRegistry: "globalThis",
  // Resolving it after a call aborted the whole Node process (isolated-vm 5.0.4).
  waitAsync: "Atomics",
  // Async compilation resolves on a platform task outside any call; wasm memory is not counted
  // by the isolate's memoryLimit.
  WebAssembly: "globalThis",
} as const;

export function preludeSource(entry: string, options: { keepRiskyGlobals?: boolean } = {}): string {
  // The entry is written into code below; the manifest allows only identifiers.
  if (!/^[A-Za-z_$][\w$]*$/.test(entry)) throw new Error(`the entry "${entry}" is not a JavaScript function name`);
  const removals = Object.entries(options.keepRiskyGlobals ? {} : removedGlobals)
    .map(([name, owner]) => `delete ${owner}[${JSON.stringify(name)}];`)
    .join(" ");
  return `(() => {
  "use strict";
  const stringify = JSON.stringify, parse = JSON.parse, evaluate = eval, call = Reflect.apply;
  const protoOf = Object.getPrototypeOf, objectProto = Object.prototype, isArray = Array.isArray, keysOf = Object.keys, define = Object.defineProperty, finite = Number.isFinite;
  ${removals}
  let entry;
  const notData = {};
  let badPath = "$";
  const refuse = (path) => { badPath = path; throw notData; };
  const plain = (value, path, depth) => {
    if (depth > 64) refuse(path + " (nested deeper than 64)");
    if (value === null || typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number") return finite(value) ? value : refuse(path);
    if (typeof value !== "object") return refuse(path);
    if (isArray(value)) {
      const copy = [];
      for (let i = 0, n = value.length; i < n; i++) define(copy, i, { value: plain(value[i], path + "[" + i + "]", depth + 1), enumerable: true, writable: true, configurable: true });
      return copy;
    }
    if (protoOf(value) !== objectProto) return refuse(path);
    const copy = {};
    for (const key of keysOf(value)) define(copy, key, { value: plain(value[key], path + "." + key, depth + 1), enumerable: true, writable: true, configurable: true });
    return copy;
  };
  const text = (value) => {
    try { return typeof value === "string" ? value : \`\${value}\`; } catch { return "(a value that cannot be turned into text)"; }
  };
  const describe = (error) => {
    try {
      if (error !== null && (typeof error === "object" || typeof error === "function")) {
        const message = error.message;
        if (message !== undefined) {
          const name = error.name;
          return (typeof name === "string" && name !== "Error" && name !== "" ? name + ": " : "") + text(message);
        }
      }
      return text(error);
    } catch {
      return "(an error whose message cannot be read)";
    }
  };
  return (op, payload) => {
    try {
      if (op === "load") {
        // Indirect eval runs the source in global scope. A strict script's declarations stay in
        // the eval's own scope, so the entry is looked up by a line appended to the source.
        const found = evaluate(payload + ${JSON.stringify(`
;typeof ${entry} === "function" ? ${entry} : undefined`)});
        if (typeof found !== "function") return "e" + ${JSON.stringify(`no global function "${entry}"`)};
        entry = found;
        return "o";
      }
      const result = call(entry, undefined, [parse(payload)]);
      if (result === undefined) return "u";
      if (result !== null && (typeof result === "object" || typeof result === "function") && typeof result.then === "function") return "p";
      const json = stringify(plain(result, "$", 0));
      return typeof json === "string" ? "o" + json : "u";
    } catch (error) {
      if (error === notData) return "j" + badPath;
      try { return "e" + describe(error); } catch { return "e(unreadable error)"; }
    }
  };
})()`;
}
