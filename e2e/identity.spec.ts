import { expect, test, type Browser } from "@playwright/test";
import { signInWithGitHub, signInToWorkspace } from "./support/sign-in";

// One story, in order: sign-in and onboarding, inviting a viewer, what a viewer may not do,
// a token shown once that works on the REST API until it is revoked.
test.describe.configure({ mode: "serial" });

let adaSlug = "";
let inviteUrl = "";
let apiToken = "";

async function newPage(browser: Browser) {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

test("first GitHub sign-in creates a workspace and lands on onboarding", async ({ browser }) => {
  const { context, page } = await newPage(browser);
  await signInWithGitHub(page, "ada");
  await expect(page).toHaveURL(/\/onboarding$/);
  await expect(page.getByText("Welcome to Caxton, Ada")).toBeVisible();
  // The proposal: her first name, and an address without an apostrophe's "-s-".
  await expect(page.getByLabel("Workspace name")).toHaveValue("Ada's workspace");
  await expect(page.getByText(/^Address: \/w\/adas-workspace(-[0-9a-f]{6})?$/)).toBeVisible();
  await page.getByLabel("Workspace name").fill("Analytical Engines");
  await page.getByRole("button", { name: "Continue to your workspace" }).click();
  await expect(page).toHaveURL(/\/w\/[^/]+\/agents$/);
  adaSlug = new URL(page.url()).pathname.split("/")[2]!;
  await expect(page.getByTestId("current-workspace")).toHaveText("Analytical Engines");
  await expect(page.getByTestId("signed-in-as")).toHaveText("Ada");
  await context.close();
});

test("an owner invites a viewer, who joins from a second browser", async ({ browser }) => {
  const ada = await newPage(browser);
  await signInWithGitHub(ada.page, "ada");
  await ada.page.goto(`/w/${adaSlug}/settings/members`);
  await ada.page.getByRole("combobox").first().selectOption("viewer");
  await ada.page.getByRole("button", { name: "Create invitation link" }).click();
  inviteUrl = await ada.page.getByLabel("Invitation link").inputValue();
  expect(inviteUrl).toMatch(/\/invite\/cxi_/);

  const bob = await newPage(browser);
  await bob.page.goto(inviteUrl);
  await expect(bob.page.getByText("as viewer")).toBeVisible();
  await bob.page.getByRole("link", { name: "Sign in to accept" }).click();
  await bob.page.getByRole("button", { name: "Sign in with GitHub" }).click();
  await bob.page.getByLabel("Sign in as").fill("bob");
  await bob.page.getByRole("button", { name: "Authorize" }).click();
  await expect(bob.page).toHaveURL(/\/invite\/cxi_/);
  await bob.page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(bob.page).toHaveURL(new RegExp(`/w/${adaSlug}/agents$`));

  // The link works once.
  const carol = await newPage(browser);
  await carol.page.goto(inviteUrl);
  await expect(carol.page.getByText("was already used")).toBeVisible();

  await ada.page.reload();
  await expect(ada.page.getByTestId("member-row")).toHaveCount(2);
  await expect(ada.page.getByTestId("member-row").filter({ hasText: "bob@example.com" })).toContainText("viewer");
  await ada.page.screenshot({ path: "test-results/artifacts/members.png", fullPage: true });
  await Promise.all([ada.context.close(), bob.context.close(), carol.context.close()]);
});

test("a viewer cannot create tokens, and the server refuses it anyway", async ({ browser }) => {
  const { context, page } = await newPage(browser);
  await signInToWorkspace(page, "bob");
  await page.goto(`/w/${adaSlug}/settings/tokens`);
  await expect(page.getByText("Your role (viewer) cannot create API tokens.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Create token" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  // Going around the UI: the tRPC call is refused by the server.
  const response = await page.request.post("/api/trpc/tokens.create", {
    data: { workspace: adaSlug, name: "sneaky", scopes: ["admin"] },
  });
  expect(response.status()).toBe(403);
  await context.close();
});

test("a token is shown once, works on the REST API, and stops working when revoked", async ({ browser, request }) => {
  const { context, page } = await newPage(browser);
  await signInToWorkspace(page, "ada");
  await page.goto(`/w/${adaSlug}/settings/tokens`);
  await page.getByLabel("Name").fill("laptop");
  await page.getByLabel("admin").check();
  await page.getByRole("button", { name: "Create token" }).click();
  apiToken = await page.getByLabel("New API token").inputValue();
  await page.screenshot({ path: "test-results/artifacts/token-shown-once.png", fullPage: true });
  expect(apiToken).toMatch(/^cx_[A-Za-z0-9_-]{32}$/);
  await page.getByRole("button", { name: "I have stored it" }).click();
  await page.reload();
  await expect(page.getByTestId("token-row").filter({ hasText: "laptop" })).toContainText(apiToken.slice(0, 8));
  expect(await page.content()).not.toContain(apiToken);

  const me = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${apiToken}` } });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ user: { email: "ada@example.com" }, workspace: { slug: adaSlug }, role: "owner" });

  const row = page.getByTestId("token-row").filter({ hasText: "laptop" });
  await row.getByRole("button", { name: "Revoke" }).click();
  await row.getByRole("button", { name: "Revoke token" }).click();
  await expect(row).toContainText("revoked");
  const after = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${apiToken}` } });
  expect(after.status()).toBe(401);
  expect((await after.json()).error.message).toContain("revoked");
  await context.close();
});

test("another workspace's pages answer 404", async ({ browser }) => {
  const bob = await newPage(browser);
  await signInToWorkspace(bob.page, "zed");
  const zedSlug = new URL(bob.page.url()).pathname.split("/")[2]!;
  const response = await bob.page.goto(`/w/${adaSlug}/settings`);
  expect(response?.status()).toBe(404);
  expect(zedSlug).not.toBe(adaSlug);
  await bob.context.close();
});

test("the audit log shows what happened, and exports it", async ({ browser }) => {
  const { context, page } = await newPage(browser);
  await signInToWorkspace(page, "ada");
  await page.goto(`/w/${adaSlug}/settings/audit`);
  for (const action of ["workspace.renamed", "invitation.created", "member.joined", "token.created", "token.revoked"]) {
    await expect(page.getByTestId("audit-row").filter({ hasText: action }).first()).toBeVisible();
  }
  await page.getByLabel("Action").selectOption("token.revoked");
  await expect(page.getByTestId("audit-row")).toHaveCount(1);
  const exported = await page.request.get(`/w/${adaSlug}/settings/audit/export?action=member.joined`);
  expect(exported.headers()["content-type"]).toContain("application/x-ndjson");
  const lines = (await exported.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ action: "member.joined" });
  await context.close();
});
