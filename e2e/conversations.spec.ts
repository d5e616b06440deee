import { expect, test, type Page } from "@playwright/test";
import { signInToWorkspace } from "./support/sign-in";

// One story, in order: a tool agent saved in the editor, a message to its capability from the
// Conversations send box answered live in the timeline, a capability nobody offers, a phone.
test.describe.configure({ mode: "serial" });

const user = "convo-cleo";
const agent = "convo-counter";
let slug = "";
let conversationPath = "";

// Delivery goes through the queue to a worker; allow for a cold first turn.
const DELIVERY = { timeout: 15_000 };

const toolAgent = `name = "${agent}"
version = "1.0.0"
description = "Counts words with the word-count tool."
capabilities = ["count-words"]

[handler]
tool = "word-count"
`;

const timeline = (page: Page) => page.getByTestId("timeline-message");

async function sendFromBox(page: Page, capability: string, text: string) {
  await page.goto(`/w/${slug}/conversations`);
  const box = page.getByRole("form", { name: "Send a message" });
  await box.getByLabel("Capability").fill(capability);
  await box.getByLabel("Message").fill(text);
  await box.getByRole("button", { name: "Send" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/conversations/[^/]+$`));
}

test("an empty Conversations page invites a first message", async ({ page }) => {
  slug = await signInToWorkspace(page, user);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Conversations" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Conversations" })).toBeVisible();
  await expect(page.getByText("No conversations yet")).toBeVisible();
  await expect(page.getByRole("form", { name: "Send a message" })).toBeVisible();
});

test("a message to a tool agent's capability is answered live in the timeline", async ({ page }) => {
  await signInToWorkspace(page, user);
  await page.goto(`/w/${slug}/agents/new/blank`);
  const editor = page.getByRole("textbox", { name: "Agent document" });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(toolAgent);
  await expect(page.getByTestId("save-state")).toContainText("ready to save");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/agents/${agent}$`));

  await sendFromBox(page, "count-words", "three little words");
  conversationPath = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { level: 1, name: "count-words" })).toBeVisible();
  const request = timeline(page).filter({ has: page.getByTestId("performative").getByText("REQUEST") });
  await expect(request).toContainText("three little words");
  // No reload from here on: the reply and the request's new status arrive over /api/events.
  const reply = timeline(page).filter({ has: page.getByTestId("performative").getByText("INFORM") });
  await expect(reply).toContainText(agent, DELIVERY);
  await expect(reply).toContainText('"words": 3');
  await expect(request.getByTestId("status")).toHaveText("answered", DELIVERY);
  const routing = request.getByTestId("routing");
  await expect(routing).toContainText("single");
  await expect(routing).toContainText(agent);
  await expect(routing).toContainText(" ms");
  expect(new URL(page.url()).pathname).toBe(conversationPath);

  // With the page open, a follow-up in the same conversation appears with its reply, live.
  await page.evaluate(() => ((window as unknown as { stayed?: boolean }).stayed = true));
  const followUp = page.getByRole("form", { name: "Continue the conversation" });
  await expect(followUp.getByLabel("Capability")).toHaveValue("count-words");
  await followUp.getByLabel("Message").fill("and now five more words");
  await followUp.getByRole("button", { name: "Send" }).click();
  await expect(reply).toHaveCount(2, DELIVERY);
  await expect(reply.nth(1)).toContainText('"words": 5');
  await expect(timeline(page)).toHaveCount(4);
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  await page.screenshot({ path: "test-results/artifacts/conversation-timeline.png", fullPage: true });

  // The timeline and the live drafts share one event stream: a page holds one connection.
  const streams: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/api/events") streams.push(r.url());
  });
  await page.goto(conversationPath);
  await expect(reply).toHaveCount(2);
  await expect(page.getByTestId("live-drafts")).toHaveAttribute("data-following", "true");
  expect(streams).toHaveLength(1);

  await page.goto(`/w/${slug}/conversations`);
  const row = page.getByTestId("conversation-row").filter({ hasText: "count-words" });
  await expect(row).toContainText("4 messages");
  await expect(row).toContainText("answered");
});

test("a capability nobody offers ends in a FAILURE naming the nearest ones", async ({ page }) => {
  await signInToWorkspace(page, user);
  await sendFromBox(page, "count-wordz", "hello");
  const failure = timeline(page).filter({ has: page.getByTestId("performative").getByText("FAILURE") });
  await expect(failure).toContainText('No agent offers "count-wordz". Nearest: count-words (1 agent)', DELIVERY);
  await expect(failure).toContainText("router");
  await page.screenshot({ path: "test-results/artifacts/conversation-failure.png", fullPage: true });

  // Filters: by status, and by the agent that answered.
  await page.goto(`/w/${slug}/conversations`);
  await page.getByRole("search").getByLabel("Status").selectOption("failed");
  await expect(page.getByTestId("conversation-row")).toHaveCount(1);
  await expect(page.getByTestId("conversation-row")).toContainText("count-wordz");
  await page.getByRole("search").getByLabel("Status").selectOption("");
  await page.getByRole("search").getByLabel("Agent").fill(agent);
  await expect(page.getByTestId("conversation-row")).toHaveCount(1);
  await expect(page.getByTestId("conversation-row")).toContainText("count-words");
  await page.screenshot({ path: "test-results/artifacts/conversations.png", fullPage: true });

  // Nothing close to what was asked: the FAILURE still lists what the workspace offers.
  await sendFromBox(page, "translate-to-klingon", "hello");
  const far = timeline(page).filter({ has: page.getByTestId("performative").getByText("FAILURE") });
  await expect(far).toContainText('No agent offers "translate-to-klingon". Nearest: count-words (1 agent).', DELIVERY);
  await expect(far).not.toContainText("offers anything yet");
});

test("the conversation pages fit a phone-sized screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signInToWorkspace(page, user);
  for (const path of [`/w/${slug}/conversations`, conversationPath]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("status")).toHaveCount(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} overflows`).toBeLessThanOrEqual(0);
  }
  await page.screenshot({ path: "test-results/artifacts/conversation-phone.png", fullPage: true });
});
