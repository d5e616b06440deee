import { expect, test, type Page } from "@playwright/test";
import { signInToWorkspace } from "./support/sign-in";

// One story, in order: an empty workspace, an agent from a template, the editor's live
// validation, a second version with its diff, a rollback, and deletion.
test.describe.configure({ mode: "serial" });

const agent = "brief-notes";
let slug = "";

const editor = (page: Page) => page.getByRole("textbox", { name: "Agent document" });
const line = (page: Page, start: RegExp) => page.locator(".cm-line", { hasText: start });
const problems = (page: Page) => page.getByTestId("problems-panel");

test("the empty Agents page points at templates and the blank editor", async ({ page }) => {
  slug = await signInToWorkspace(page, "agent-ana");
  await expect(page.getByRole("heading", { name: "No agents yet" })).toBeVisible();
  await expect(page.getByRole("link", { name: "New agent" })).toBeVisible();
  await page.getByRole("link", { name: "Start from a template" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/agents/new$`));
  await expect(page.getByRole("heading", { name: "Blank agent" })).toBeVisible();
});

test("creating from a template lands on the agent page at v1", async ({ page }) => {
  await signInToWorkspace(page, "agent-ana");
  await page.goto(`/w/${slug}/agents/new`);
  const card = page.getByTestId("template-card").filter({ has: page.getByRole("heading", { name: "Summarizer" }) });
  await card.getByText("Preview the document").click();
  await expect(card.getByRole("textbox", { name: "Summarizer template source" })).toContainText('name = "summarizer"');
  await card.getByRole("button", { name: "Use template" }).click();
  const name = card.getByLabel("NAME", { exact: true });
  await expect(name).toHaveValue("summarizer");
  await name.fill("Brief Notes");
  await expect(card.getByText("Must match")).toBeVisible();
  await expect(card.getByRole("button", { name: "Create agent" })).toBeDisabled();
  await page.screenshot({ path: "test-results/artifacts/agent-templates.png", fullPage: true });
  await name.fill(agent);
  await card.getByLabel("BULLETS", { exact: true }).fill("5");
  await expect(card.getByLabel("PROVIDER", { exact: true })).toHaveValue("mock");
  await card.getByRole("button", { name: "Create agent" }).click();

  await expect(page).toHaveURL(new RegExp(`/w/${slug}/agents/${agent}$`));
  await expect(page.getByTestId("push-outcome")).toContainText(`Created ${agent} v1`);
  await expect(page.getByTestId("active-version")).toHaveText("v1 · 0.1.0");
  await expect(page.getByTestId("breaker-state")).toHaveText("closed");
  await expect(page.getByRole("textbox", { name: `${agent} active document` })).toContainText("in 5 bullet points");
  await expect(page.getByTestId("version-row")).toHaveCount(1);
});

test("the editor marks a typo live, then saves a real change as v2 with its diff", async ({ page }) => {
  await signInToWorkspace(page, "agent-ana");
  await page.goto(`/w/${slug}/agents/${agent}`);
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page).toHaveURL(new RegExp(`/agents/${agent}/edit$`));
  await expect(editor(page)).toContainText("capabilities = ");
  await expect(page.getByTestId("save-state")).toContainText("ready to save");

  // capabilities → capabilitees, typed.
  await line(page, /^capabilities = /).click();
  await page.keyboard.press("Home");
  for (let i = 0; i < 9; i++) await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Shift+ArrowRight");
  await page.keyboard.type("e");
  const typo = problems(page).getByTestId("problem").filter({ hasText: "capabilitees" });
  await expect(typo).toContainText("4:1");
  await expect(typo).toContainText("Did you mean `capabilities`?");
  await expect(page.locator(".cm-lintRange-error").first()).toBeVisible();
  await expect(page.locator(".cm-lintRange-error", { hasText: "capabilitees" })).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Save" })).toBeDisabled();
  await expect(page.getByTestId("save-state")).toContainText("Fix 1 error to save.");
  await page.screenshot({ path: "test-results/artifacts/agent-editor-live-error.png", fullPage: true });

  // The panel entry puts the cursor at 4:1; fix the typo from there.
  await typo.click();
  for (let i = 0; i < 9; i++) await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Shift+ArrowRight");
  await page.keyboard.type("i");
  await expect(problems(page)).toContainText("No problems.");
  await expect(page.locator(".cm-lintRange-error")).toHaveCount(0);

  await line(page, /^description = /).click();
  await page.keyboard.press("End");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.type(" Exactly as written.");
  await expect(page.getByTestId("save-state")).toContainText("ready to save");
  await page.getByRole("button", { name: "Save" }).click();

  await expect(page).toHaveURL(new RegExp(`/w/${slug}/agents/${agent}$`));
  const outcome = page.getByTestId("push-outcome");
  await expect(outcome).toContainText(`Updated ${agent} to v2`);
  await expect(outcome.getByTestId("diff")).toContainText('+description = "Summarizes documents in 5 bullet points. Exactly as written."');
  await expect(outcome.getByTestId("diff")).toContainText('-description = "Summarizes documents in 5 bullet points."');
  await expect(page.getByTestId("active-version")).toHaveText("v2 · 0.1.0");
  await expect(page.getByTestId("version-row").filter({ hasText: "v2" })).toContainText("active");
});

test("a diff between versions, then a rollback to v1", async ({ page }) => {
  await signInToWorkspace(page, "agent-ana");
  await page.goto(`/w/${slug}/agents/${agent}`);
  const v1 = page.getByTestId("version-row").and(page.locator('[data-version="1"]'));
  const v2 = page.getByTestId("version-row").and(page.locator('[data-version="2"]'));
  await v2.getByRole("button", { name: "Diff" }).click();
  const diff = page.getByRole("region", { name: "Versions" }).getByTestId("diff");
  await expect(diff).toContainText("Exactly as written.");
  await expect(diff.locator('[data-change="added"]')).toHaveCount(1);

  await v1.getByRole("button", { name: "Activate" }).click();
  await v1.getByRole("button", { name: "Activate v1" }).click();
  await expect(page.getByTestId("active-version")).toHaveText("v1 · 0.1.0");
  await expect(v1).toContainText("active");
  await expect(page.getByRole("textbox", { name: `${agent} active document` })).not.toContainText("Exactly as written.");

  await page.goto(`/w/${slug}/agents`);
  const row = page.getByTestId("agent-row").filter({ hasText: agent });
  await expect(row).toContainText("v1 · 0.1.0");
  await expect(row).toContainText("summarize");
});

test("a long document is still checked live (its check goes as POST)", async ({ page }) => {
  const home = await signInToWorkspace(page, "agent-ana");
  await page.goto(`/w/${home}/agents/new/blank`);
  await expect(page.getByTestId("save-state")).toContainText("ready to save");
  await line(page, /^model = /).click();
  await page.keyboard.press("End");
  await page.keyboard.insertText(`\n# ${"x".repeat(30_000)}\ntemprature = 1`);
  const typo = problems(page).getByTestId("problem").filter({ hasText: "temprature" });
  await expect(typo).toContainText("13:1");
});

test("the agent pages fit a phone-sized screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signInToWorkspace(page, "agent-ana");
  for (const path of ["agents", `agents/${agent}`, `agents/${agent}/edit`, "agents/new"]) {
    await page.goto(`/w/${slug}/${path}`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.waitForLoadState("networkidle");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `/${path} overflows`).toBeLessThanOrEqual(0);
  }
});

test("deleting an agent takes its name typed out", async ({ page }) => {
  await signInToWorkspace(page, "agent-ana");
  await page.goto(`/w/${slug}/agents/${agent}`);
  await page.getByRole("button", { name: "Delete agent" }).click();
  const confirm = page.getByRole("group", { name: "Delete agent" });
  await expect(confirm.getByRole("button", { name: "Delete agent" })).toBeDisabled();
  await confirm.getByLabel("Confirmation").fill(agent);
  await confirm.getByRole("button", { name: "Delete agent" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/agents$`));
  await expect(page.getByRole("heading", { name: "No agents yet" })).toBeVisible();
});
