import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // plugins/**/*.ts and the sandbox fixtures are AssemblyScript (i32, @external, ...): asc checks it, not tsc or eslint.
  {
    ignores: [
      "node_modules/",
      ".next/",
      "dist/",
      ".caxton/",
      "test-results/",
      "playwright-report/",
      "next-env.d.ts",
      "plugins/**/*.ts",
      "plugins/*/dist/",
      "server/tools/sandbox/fixtures/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
    },
  },
  {
    // JS tools are plain scripts run in isolated-vm: only JavaScript's built-ins, and the
    // entry function is a global that Caxton calls (declared with /* exported name */).
    files: ["plugins/*/tool.js"],
    languageOptions: { sourceType: "script", globals: { process: "off", console: "off", URL: "off" } },
    rules: { "@typescript-eslint/no-unused-vars": "off", "no-unused-vars": ["error", { vars: "local" }] },
  },
  {
    // .dependency-cruiser.cjs: CommonJS, as dependency-cruiser reads it.
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly" } },
  },
  {
    files: ["app/**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // server/ and worker/ never import from app/ (docs/architecture.md, "Layers").
    files: ["server/**/*.ts", "worker/**/*.ts", "web/**/*.ts", "cli/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [{ group: ["@/app/*", "../app/*", "../../app/*", "../../../app/*"], message: "server code never imports from app/." }],
        },
      ],
    },
  },
);
