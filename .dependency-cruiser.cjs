/**
 * The import rules of the code base, checked by `npm run lint` (dependency-cruiser).
 * docs/architecture.md ("Layers") explains each one.
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "Modules that import each other in a circle cannot be understood, tested or loaded apart. Move the shared piece into a module both import.",
      from: {},
      to: { circular: true },
    },
    {
      name: "server-not-to-entries",
      severity: "error",
      comment: "server/ is the domain; the process entries (app/, web/, worker/) and the CLI call it, never the other way round.",
      from: { path: "^server/" },
      to: { path: "^(app|web|worker|cli)/" },
    },
    {
      name: "entries-apart",
      severity: "error",
      comment: "app/, web/, worker/ and cli/ are separate entry points: each reaches the others' code only through server/.",
      from: { path: "^(app|web|worker|cli)/" },
      to: { path: "^(app|web|worker|cli)/", pathNot: "^$1/" },
    },
    {
      name: "runtime-not-to-messaging",
      severity: "error",
      comment:
        "A turn reaches the rest of the platform only through its ports (server/runtime/ports.ts); server/messaging builds the production ports.",
      from: { path: "^server/runtime/" },
      to: { path: "^server/messaging/" },
    },
    {
      name: "turn-needs-no-services",
      severity: "error",
      comment:
        "The turn and its ports load no database, Redis, queue, sandbox or secret store, so a test or a replay can run any agent version with scripted ports.",
      from: { path: "^server/runtime/(turn|llm-turn|ask|ports|recording|replay|default-ports)\\.ts$" },
      // redact.ts is pure text scrubbing (ProviderError scrubs its reason with it), not the secret store.
      to: {
        path: "^server/(db/|redis\\.ts$|queue/|messaging/|secrets/|tools/|routing/|quotas/)",
        pathNot: "^server/secrets/redact\\.ts$",
        reachable: true,
      },
    },
    {
      name: "queue-no-domain",
      severity: "error",
      comment:
        "server/queue holds job contracts (name, zod schema, options) and the queue plumbing only; handlers are bound in worker/handlers.ts.",
      from: { path: "^server/queue/" },
      to: { path: "^server/", pathNot: "^server/(queue/|config/|observability/|redis\\.ts$)" },
    },
    {
      name: "web-never-loads-sandboxes",
      severity: "error",
      comment: "The sandboxes run untrusted code and load only in the worker (worker/handlers.ts reaches them); the web process must not.",
      from: { path: "^(web|app)/" },
      to: {
        path: "^server/tools/(execute|sandbox-instance|sandbox/(sandbox|js-host|wasm-host|extism-guard|caxton-http))\\.ts$",
        reachable: true,
      },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|\\.next|plugins|server/tools/sandbox/fixtures)/" },
    // Type-only imports count: a cycle through types still ties the modules together.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
