import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { renderAgentConfigDoc } from "../server/agents/json-schema";
import { fromRoot } from "../server/platform/paths";

/**
 * Writes docs/agent-config.md from the agent schema. `--check` only compares, exiting 1 when
 * the file is stale, for CI (the unit tests check the same).
 */
const target = fromRoot("docs", "agent-config.md");
const expected = renderAgentConfigDoc();
const current = existsSync(target) ? readFileSync(target, "utf8") : undefined;

if (process.argv.includes("--check")) {
  if (current !== expected) {
    console.error("docs/agent-config.md is stale: run npm run docs:agents");
    process.exit(1);
  }
  console.log("docs/agent-config.md is up to date.");
} else if (current === expected) {
  console.log("docs/agent-config.md is up to date.");
} else {
  writeFileSync(target, expected);
  console.log("Wrote docs/agent-config.md.");
}
