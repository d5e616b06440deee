import { expect, test } from "@playwright/test";
import { openAiStream, startFakeLlm, type FakeLlm } from "../test/support/fake-llm";
import { signInToWorkspace } from "./support/sign-in";

// An LLM agent's reply shown while it is written: the fake vendor (a real HTTP server on
// loopback) streams half the answer and holds; the Conversations page shows the draft; then
// the rest comes and the stored reply takes the draft's place.
const user = "stream-sam";
const agent = "stream-writer";
let fake: FakeLlm;

test.beforeAll(async () => {
  fake = await startFakeLlm();
});
test.afterAll(async () => {
  await fake?.close();
});

test("a streaming reply is shown live, then replaced by the stored reply", async ({ page }) => {
  const slug = await signInToWorkspace(page, user);
  await page.goto(`/w/${slug}/agents/new/blank`);
  const editor = page.getByRole("textbox", { name: "Agent document" });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(`name = "${agent}"
version = "1.0.0"
description = "Writes a story, streamed."
capabilities = ["write-story"]
system_prompt = "You write short stories."

[llm]
provider = "openai"
model = "fake-model"
base_url = "${fake.url}"
`);
  await expect(page.getByTestId("save-state")).toContainText("ready to save");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/agents/${agent}$`));

  let start!: () => void;
  let finish!: () => void;
  const parts = ["Once ", "upon ", "a ", "time, ", "a ", "stream ", "ended ", "well."];
  // Chunk 0 is the role; the text waits until the page follows the events, and stops half-way.
  fake.script({
    ...openAiStream(parts),
    gates: [
      { after: 1, open: new Promise<void>((resolve) => (start = resolve)) },
      { after: 5, open: new Promise<void>((resolve) => (finish = resolve)) },
    ],
  });

  await page.goto(`/w/${slug}/conversations`);
  const box = page.getByRole("form", { name: "Send a message" });
  await box.getByLabel("Capability").fill("write-story");
  await box.getByLabel("Message").fill("a story, please");
  await box.getByRole("button", { name: "Send" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/conversations/[^/]+$`));

  await expect(page.getByTestId("live-drafts")).toHaveAttribute("data-following", "true", { timeout: 15_000 });
  await expect.poll(() => fake.requests.length, { timeout: 15_000 }).toBe(1);
  start();
  const draft = page.getByTestId("live-draft");
  await expect(draft).toContainText("Once upon a time,", { timeout: 15_000 });
  await expect(draft).toContainText(agent);
  await expect(draft).toContainText("writing…");
  await expect(draft).not.toContainText("ended well.");
  const reply = page.getByTestId("timeline-message").filter({ has: page.getByTestId("performative").getByText("INFORM") });
  await expect(reply).toHaveCount(0);
  await page.screenshot({ path: "test-results/artifacts/conversation-live-draft.png", fullPage: true });

  finish();
  await expect(reply).toContainText(parts.join(""), { timeout: 15_000 });
  await expect(draft).toHaveCount(0);
  expect(fake.requests[0]!.body.stream).toBe(true);
});
