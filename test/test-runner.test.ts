import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { fromRoot } from "../server/platform/paths";

describe("npm test", () => {
  it("fails, saying how to install Chromium, when there is none; it never skips the browser tests", () => {
    const result = spawnSync(fromRoot("node_modules/.bin/tsx"), [fromRoot("scripts/test.ts"), "e2e"], {
      cwd: fromRoot(),
      encoding: "utf8",
      env: { ...process.env, CHROMIUM_PATH: "/nonexistent/chromium" },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("need Chromium and none was found");
    expect(result.stderr).toContain("apt-get install chromium");
    expect(result.stdout.trim().split("\n").at(-1)).toBe("0 passed, 1 failed");
  });
});
