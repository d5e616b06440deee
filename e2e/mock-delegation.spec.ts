import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signInToWorkspace } from "./support/sign-in";

// The delegation demo in the browser: the demo's two tool agents and its scripted mock
// agent saved in the editor, then a message from the Conversations send box that the mock
// routes to both tool agents, whose answers it combines, live in the timeline.
test.describe.configure({ mode: "serial" });

const demo = (file: string) => readFileSync(path.resolve("docs/examples/delegation-demo", file), "utf8");
const DELIVERY = { timeout: 15_000 };

async function saveAgent(page: Page, slug: string, name: string, source: string) {
  await page.goto(`/w/${slug}/agents/new/blank`);
  const editor = page.getByRole("textbox", { name: "Agent document" });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(source);
  await expect(page.getByTestId("save-state")).toContainText("ready to save");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/agents/${name}$`));
}

test("a scripted mock agent delegates to two tool agents and combines their answers", async ({ page }) => {
  test.setTimeout(90_000);
  const slug = await signInToWorkspace(page, "mock-demo-mia");
  await saveAgent(page, slug, "word-counter", demo("word-counter.toml"));
  await saveAgent(page, slug, "text-statistician", demo("text-statistician.toml"));
  await saveAgent(page, slug, "text-analyst", demo("text-analyst.toml"));

  await page.goto(`/w/${slug}/conversations`);
  const box = page.getByRole("form", { name: "Send a message" });
  await box.getByLabel("Capability").fill("analyze-text");
  await box.getByLabel("Message").fill("The quick brown fox. The lazy dog sleeps!");
  await box.getByRole("button", { name: "Send" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/conversations/[^/]+$`));

  // Messages nest (a delegation sits inside the request that sent it), so each is picked by its own attributes.
  const message = (performative: string, sender?: string) =>
    page.locator(`[data-testid="timeline-message"][data-performative="${performative}"]${sender ? `[data-sender="${sender}"]` : ""}`);
  const answer = message("INFORM", "text-analyst");
  await expect(answer).toContainText("[mock reply from text-analyst]", DELIVERY);
  await expect(answer).toContainText(
    "word-counter counted 8 words on 1 line(s); text-statistician found 2 sentence(s) and 7 distinct words.",
  );
  // The two delegated requests and the tool agents' answers are in the same conversation.
  await expect(message("REQUEST")).toHaveCount(3);
  await expect(message("INFORM", "word-counter")).toHaveCount(1);
  await expect(message("INFORM", "word-counter")).toContainText('"words": 8');
  await expect(message("INFORM", "text-statistician")).toHaveCount(1);
  await expect(message("INFORM", "text-statistician")).toContainText('"sentences": 2');
});
