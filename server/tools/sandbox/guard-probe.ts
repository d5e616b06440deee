// Run by guard.test.ts in a child process (node --import tsx guard-probe.ts <mode>): the guard
// must keep a process alive through an Extism worker error, and must not hide other errors.
import { compileFixture } from "./fixtures";
import { createWasmHost } from "./wasm-host";
import { testTool } from "./fixtures";

const mode = process.argv[2];
const host = createWasmHost({ instantiateTimeoutMs: 500 });
if (mode === "bad-import") {
  // Straight to the host, skipping the sandbox's inspection: as if a bad module slipped through.
  const bad = await host.call(testTool("wasm", await compileFixture("tools", { importAbort: true }), "echo"), "{}");
  const trap = await host.call(testTool("wasm", await compileFixture("starttrap"), "echo"), "{}");
  const good = await host.call(testTool("wasm", await compileFixture("tools"), "echo"), '{"still":"alive"}');
  console.log(JSON.stringify({ bad, trap, good }));
  await host.close();
} else {
  setTimeout(() => {
    throw new Error("an ordinary bug elsewhere in the process");
  }, 10);
  await host.call(testTool("wasm", await compileFixture("tools", { importAbort: true }), "echo"), "{}");
  console.log("survived an error that was not Extism's");
}
