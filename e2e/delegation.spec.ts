import { expect, test, type Page } from "@playwright/test";
import { openAiText, openAiToolCall, startFakeLlm, type FakeLlm, type RecordedRequest } from "../test/support/fake-llm";
import { signInToWorkspace } from "./support/sign-in";

// An LLM agent (its vendor faked on loopback) counts words with a sandboxed tool, then asks
// another capability through the built-in `ask` tool. The timeline shows the delegated request
// and its reply nested under the request that sent it, and the reply's trace step by step.
test.describe.configure({ mode: "serial" });

const DELIVERY = { timeout: 20_000 };
let fake: FakeLlm;

test.beforeAll(async () => {
  fake = await startFakeLlm();
});
test.afterAll(async () => {
  await fake?.close();
});

const echoer = `name = "deleg-echoer"
version = "1.0.0"
description = "Echoes, with the scripted mock provider."
capabilities = ["deleg-echo"]
system_prompt = "Echo."

[llm]
provider = "mock"
model = "scripted"
`;

const asker = (baseUrl: string) => `name = "deleg-asker"
version = "1.0.0"
description = "Researches by asking other agents."
capabilities = ["deleg-research"]
tools = ["word-count"]
system_prompt = "You research."

[llm]
provider = "openai"
model = "fake-model"
base_url = "${baseUrl}"
`;

async function push(page: Page, slug: string, source: string) {
  const response = await page.request.post("/api/trpc/agents.push", { data: { workspace: slug, source } });
  expect(response.status(), await response.text()).toBe(200);
}

const lastToolResult = (request: RecordedRequest) =>
  (request.body.messages as { role: string; content: string }[]).filter((m) => m.role === "tool").at(-1)!.content;

test("a delegation appears nested under the request that sent it, with the reply's trace", async ({ page }) => {
  const slug = await signInToWorkspace(page, "deleg-dana");
  await push(page, slug, echoer);
  await push(page, slug, asker(fake.url));
  fake.script(
    openAiToolCall("word-count", { text: "how many words here" }, "call_count"),
    openAiToolCall("ask", { capability: "deleg-echo", request: "ping" }, "call_ask"),
    (request) => openAiText(`The echo said: ${JSON.parse(lastToolResult(request)).content}`),
  );

  await page.goto(`/w/${slug}/conversations`);
  const box = page.getByRole("form", { name: "Send a message" });
  await box.getByLabel("Capability").fill("deleg-research");
  await box.getByLabel("Message").fill("find out what the echo says");
  await box.getByRole("button", { name: "Send" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/conversations/[^/]+$`));

  // No reload from here: everything arrives over /api/events.
  const topLevel = page.getByRole("list", { name: "Timeline" }).locator(":scope > li");
  const request = topLevel.filter({ has: page.getByText("find out what the echo says") });
  const thread = request.getByTestId("delegation-thread");
  await expect(thread).toHaveCount(1, DELIVERY);
  await expect(thread).toHaveAttribute("data-depth", "1");
  await expect(thread.getByTestId("delegation-depth")).toHaveText("depth 1");
  const nested = thread.getByTestId("timeline-message");
  await expect(nested.filter({ has: page.getByTestId("performative").getByText("REQUEST", { exact: true }) })).toContainText("ping");
  const echoReply = nested.filter({ has: page.getByTestId("performative").getByText("INFORM", { exact: true }) });
  await expect(echoReply).toContainText("[mock reply from deleg-echoer] ping", DELIVERY);
  await expect(echoReply).toContainText("deleg-echoer");

  // The final answer stays on the top level, after the request; the delegation is not repeated there.
  const answer = topLevel
    .filter({ has: page.getByTestId("performative").getByText("INFORM", { exact: true }) })
    .filter({ hasText: "The echo said" });
  await expect(answer).toContainText("The echo said: [mock reply from deleg-echoer] ping", DELIVERY);
  await expect(topLevel).toHaveCount(2);
  await expect(request.getByTestId("status").first()).toHaveText("answered", DELIVERY);

  // The reply's trace: the sandboxed tool with its invocation, then `ask` with the answer it got.
  const steps = answer.getByTestId("trace-step");
  await expect(steps).toHaveCount(2);
  await expect(answer.getByTestId("trace")).toContainText("openai · fake-model · 2 steps");
  await expect(steps.nth(0)).toHaveAttribute("data-tool", "word-count");
  await expect(steps.nth(0)).toContainText('"words": 4');
  await expect(steps.nth(0)).toContainText(/invocation \S+/);
  await expect(steps.nth(1)).toHaveAttribute("data-tool", "ask");
  await expect(steps.nth(1)).toContainText("→ deleg-echo");
  await expect(steps.nth(1)).toContainText('"request": "ping"');
  await expect(steps.nth(1)).toContainText('"agent": "deleg-echoer"');

  // Collapsible: the nested messages hide and come back; the summary stays.
  await thread.locator(":scope > summary").click();
  await expect(echoReply).toBeHidden();
  await expect(thread.getByTestId("delegation-depth")).toBeVisible();
  await thread.locator(":scope > summary").click();
  await expect(echoReply).toBeVisible();

  // After a reload the same shape comes from the server, not only from live events.
  await page.reload();
  await expect(request.getByTestId("delegation-thread")).toHaveCount(1);
  await expect(topLevel).toHaveCount(2);
  expect(fake.pending()).toBe(0);
});
