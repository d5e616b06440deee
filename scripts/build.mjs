// Bundles the Node entry points (CLI, web server, worker) into dist/ as ES modules.
// Packages from node_modules stay external; our own TypeScript is compiled in.
import { build } from "esbuild";

const started = Date.now();
await build({
  entryPoints: { caxton: "cli/main.ts", web: "web/main.ts", worker: "worker/main.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
  chunkNames: "chunks/[name]-[hash]",
});
console.log(`built dist/ (caxton, web, worker) in ${Date.now() - started} ms`);
