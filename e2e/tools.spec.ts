import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signInToWorkspace } from "./support/sign-in";

// One story, in order: the sample tools every workspace gets, running them from the form the
// input schema generates, a tool of our own that never ends, a manifest with a typo, a phone.
test.describe.configure({ mode: "serial" });

const user = "tool-tess";
const samples = ["csv-to-json", "fetch-url", "json-query", "slugify", "text-stats", "word-count"];
let slug = "";

// A run goes through the queue to a worker; allow for a cold first call.
const RUN_TIMEOUT = { timeout: 15_000 };

const result = (page: Page) => page.getByTestId("run-result");

/** A manifest and a module in a fresh temp dir, for the upload form's file inputs. */
function bundle(manifest: string, module: string): { manifest: string; module: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "caxton-e2e-tool-"));
  writeFileSync(path.join(dir, "manifest.toml"), manifest);
  writeFileSync(path.join(dir, "tool.js"), module);
  return { manifest: path.join(dir, "manifest.toml"), module: path.join(dir, "tool.js") };
}

async function upload(page: Page, files: { manifest: string; module: string }) {
  await page.goto(`/w/${slug}/tools`);
  await page.getByRole("button", { name: "Upload tool" }).click();
  await page.getByLabel("Manifest file").setInputFiles(files.manifest);
  await page.getByLabel("Module file").setInputFiles(files.module);
  await page.getByRole("button", { name: "Upload", exact: true }).click();
}

const noHorizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

const spinning = (timeoutKey: string) => `name = "spin-forever"
version = "1.0.0"
description = "Never returns: a test of the timeout."
kind = "js"
entry = "spin"
inputSchema = { type = "object", properties = {} }

[permissions]
${timeoutKey} = 100
`;

test("Tools lists the sample tools every workspace gets", async ({ page }) => {
  slug = await signInToWorkspace(page, user);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tools" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tools" })).toBeVisible();
  const rows = page.getByTestId("tool-row");
  await expect(rows).toHaveCount(samples.length);
  for (const name of samples) await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  const wordCount = rows.filter({ has: page.getByRole("link", { name: "word-count" }) });
  await expect(wordCount).toContainText("WASM");
  await expect(wordCount).toContainText("v1 · 1.0.0");
  await expect(wordCount).toContainText("sample");
  await expect(wordCount).toContainText("read-only");
  await expect(wordCount).toContainText("Counts the words");
  await expect(rows.filter({ has: page.getByRole("link", { name: "slugify" }) })).toContainText("JS");
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
});

test("word-count runs from the generated form and its invocation is listed", async ({ page }) => {
  await signInToWorkspace(page, user);
  await page.goto(`/w/${slug}/tools`);
  await page.getByRole("link", { name: "word-count" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/tools/word-count$`));
  await expect(page.getByRole("heading", { level: 1, name: "word-count" })).toBeVisible();
  await expect(page.getByTestId("active-version")).toHaveText("v1 · 1.0.0");
  await expect(page.getByTestId("permission-timeout")).toHaveText("1000 ms");
  await expect(page.getByRole("textbox", { name: "word-count manifest" })).toContainText('entry = "count"');
  await expect(page.getByTestId("version-row")).toHaveCount(1);
  await expect(page.getByText("Not run yet.")).toBeVisible();

  // `text` is a long-text string: a required text area.
  const text = page.getByRole("textbox", { name: /^text/ });
  await expect(text).toHaveJSProperty("tagName", "TEXTAREA");
  await expect(text).toHaveAttribute("aria-required", "true");
  await text.fill("hello wide world");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(result(page)).toHaveAttribute("data-status", "ok", RUN_TIMEOUT);
  await expect(page.getByTestId("run-output")).toContainText('"words": 3');
  await expect(page.getByTestId("run-output")).toContainText('"chars": 16');
  await expect(result(page)).toContainText(/v1 · \d+ ms/);

  const invocation = page.getByTestId("invocation-row");
  await expect(invocation).toHaveCount(1);
  await expect(invocation).toHaveAttribute("data-status", "ok");
  await expect(invocation).toContainText("v1");
  await expect(invocation).toContainText(user);
  mkdirSync("test-results/artifacts", { recursive: true });
  await page.screenshot({ path: "test-results/artifacts/tool-run-result.png", fullPage: true });
});

test("json-query shows a failure clearly: a bad document, then a bad path in raw JSON", async ({ page }) => {
  await signInToWorkspace(page, user);
  await page.goto(`/w/${slug}/tools/json-query`);
  await page.getByRole("textbox", { name: /^document/ }).fill('{"a":1,}');
  await page.getByRole("textbox", { name: /^path/ }).fill("a");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(result(page)).toHaveAttribute("data-status", "failed", RUN_TIMEOUT);
  await expect(result(page).getByTestId("diagnostic-kind")).toHaveText("trap");
  await expect(page.getByTestId("diagnostic-message")).toContainText(
    "document is not valid JSON: expected a member name in double quotes at position 7",
  );

  // The same input as JSON, edited there: the path is now the problem.
  await page.getByLabel("Raw JSON").check();
  const raw = page.getByRole("textbox", { name: "Input (JSON)" });
  await expect(raw).toHaveValue(/"document": "\{\\"a\\":1,\}"/);
  await raw.fill('{ "document": "{}", "path": "a..b" }');
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByTestId("diagnostic-message")).toContainText('invalid path "a..b": empty name at column 3', RUN_TIMEOUT);
  // Back to the form: the fields hold what the JSON said.
  await page.getByLabel("Raw JSON").uncheck();
  await expect(page.getByRole("textbox", { name: /^path/ })).toHaveValue("a..b");

  const failures = page.getByTestId("invocation-row").and(page.locator('[data-status="failed"]'));
  await expect(failures).toHaveCount(2);
  await expect(failures.first().getByTestId("diagnostic-kind")).toHaveText("trap");
});

test("an uploaded JS tool that loops forever is stopped at its 100 ms timeout", async ({ page }) => {
  await signInToWorkspace(page, user);
  await upload(page, bundle(spinning("timeoutMs"), "function spin(input) {\n  for (;;) {}\n}\n"));
  const outcome = page.getByTestId("upload-outcome");
  await expect(outcome).toContainText("Created spin-forever v1 (1.0.0).");
  await expect(page.getByTestId("tool-row").filter({ hasText: "spin-forever" })).toContainText("JS");
  await outcome.getByRole("link", { name: "Open spin-forever" }).click();

  await expect(page.getByTestId("permission-timeout")).toHaveText("100 ms");
  // No properties to generate fields from: the input is edited as JSON.
  await expect(page.getByRole("textbox", { name: "Input (JSON)" })).toHaveValue("{}");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(result(page)).toHaveAttribute("data-status", "failed", RUN_TIMEOUT);
  await expect(result(page).getByTestId("diagnostic-kind")).toHaveText("timeout");
  await expect(page.getByTestId("diagnostic-limit")).toHaveText("100 ms");
  await expect(page.getByTestId("diagnostic-observed")).toHaveText(/^\d+ ms$/);
  await expect(page.getByTestId("diagnostic-message")).toContainText("ran longer than its 100 ms limit");
  await expect(page.getByTestId("invocation-row").getByTestId("diagnostic-kind")).toHaveText("timeout");
  await page.screenshot({ path: "test-results/artifacts/tool-timeout.png", fullPage: true });
});

test("a tool that keeps breaching its limits is quarantined, and its page and the list say so", async ({ page }) => {
  await signInToWorkspace(page, user);
  await page.goto(`/w/${slug}/tools/spin-forever`);
  // One timeout so far; the default quarantine limit is 5 within 10 minutes.
  for (let n = 2; n <= 5; n++) {
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect(page.getByTestId("invocation-row")).toHaveCount(n, RUN_TIMEOUT);
  }
  await page.reload();
  await expect(page.getByTestId("quarantine-note")).toContainText("5 of its runs breached their limits within 10 min");
  await expect(page.getByTestId("quarantine-note")).toContainText("upload a new version to lift the quarantine");
  await expect(page.getByTestId("quarantined")).toBeVisible();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(result(page).getByTestId("diagnostic-kind")).toHaveText("quarantined", RUN_TIMEOUT);
  await expect(page.getByTestId("diagnostic-message")).toContainText("upload a new version of the tool to lift the quarantine");
  await page.goto(`/w/${slug}/tools`);
  await expect(page.getByTestId("tool-row").filter({ hasText: "spin-forever" }).getByTestId("quarantined")).toBeVisible();
});

test("a manifest with a typo is refused with the problem's line and column", async ({ page }) => {
  await signInToWorkspace(page, user);
  await upload(page, bundle(spinning("timeoutMS"), "function spin() { for (;;) {} }\n"));
  await expect(page.getByRole("alert").first()).toContainText("The tool cannot be accepted");
  const problem = page.getByTestId("upload-problem");
  await expect(problem).toHaveCount(1);
  await expect(problem).toContainText("manifest 9:1");
  await expect(problem).toContainText("Unknown key `timeoutMS`");
  await expect(problem).toContainText("Did you mean `timeoutMs`?");

  // A module problem is named as one.
  await upload(page, bundle(spinning("timeoutMs"), "const nothing = 1;\n"));
  await expect(page.getByTestId("upload-problem")).toContainText(/module:\s*no top-level function "spin"/);
});

test("on a phone (390 px) the list and a tool page do not overflow sideways", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signInToWorkspace(page, user);
  await page.goto(`/w/${slug}/tools`);
  await expect(page.getByTestId("tool-row").first()).toBeVisible();
  expect(await noHorizontalOverflow(page)).toBeLessThanOrEqual(0);
  await page.goto(`/w/${slug}/tools/word-count`);
  await expect(page.getByTestId("invocation-row")).toHaveCount(1);
  await expect(page.getByRole("textbox", { name: "word-count manifest" })).toBeVisible();
  expect(await noHorizontalOverflow(page)).toBeLessThanOrEqual(0);
});

test("deleting a tool takes its typed name and frees it", async ({ page }) => {
  await signInToWorkspace(page, user);
  await page.goto(`/w/${slug}/tools/spin-forever`);
  await page.getByRole("button", { name: "Delete tool" }).click();
  const confirm = page.getByRole("group", { name: "Delete tool" }).getByRole("button", { name: "Delete tool" });
  await expect(confirm).toBeDisabled();
  await page.getByLabel("Confirmation").fill("spin-forever");
  await confirm.click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/tools$`));
  await expect(page.getByTestId("tool-row")).toHaveCount(samples.length);
  await expect(page.getByRole("link", { name: "spin-forever" })).toHaveCount(0);
});
