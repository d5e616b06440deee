import { expect, test } from "@playwright/test";
import { signInToWorkspace } from "./support/sign-in";

// Settings → Secrets: a value goes in through a password field and never comes back; the
// list shows names, when and by whom; delete asks first.
const VALUE = "sk-e2e-never-shown-0123456789";

test("secrets are set, replaced and deleted from Settings, and their values never shown", async ({ page }) => {
  const slug = await signInToWorkspace(page, "secret-sam");
  await page.goto(`/w/${slug}/settings`);
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Secrets" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/settings/secrets$`));
  await expect(page.getByText("No secrets yet")).toBeVisible();
  await expect(page.getByText('[llm] api_key_secret = "OPENAI_API_KEY"')).toBeVisible();

  const form = page.getByRole("form", { name: "Set a secret" });
  await expect(form.getByLabel("Value")).toHaveAttribute("type", "password");
  await form.getByLabel("Name").fill("bad name");
  await expect(form.getByText("Use uppercase letters, digits and underscores")).toBeVisible();
  await expect(form.getByRole("button", { name: "Save secret" })).toBeDisabled();
  await form.getByLabel("Name").fill("openai_api_key");
  await expect(form.getByLabel("Name")).toHaveValue("OPENAI_API_KEY");
  await form.getByLabel("Value").fill(VALUE);
  await form.getByRole("button", { name: "Save secret" }).click();

  const row = page.getByTestId("secret-row").filter({ hasText: "OPENAI_API_KEY" });
  await expect(row).toBeVisible();
  await expect(row).toContainText("secret-sam");
  await expect(page.getByText("No secrets yet")).toHaveCount(0);
  await expect(form.getByLabel("Value")).toHaveValue("");
  expect(await page.content()).not.toContain(VALUE);

  // Replace: the name is fixed, only a new value goes in.
  await row.getByRole("button", { name: "Replace" }).click();
  await expect(page.getByRole("heading", { name: "Replace the value of OPENAI_API_KEY" })).toBeVisible();
  await expect(form.getByLabel("Name")).toHaveValue("OPENAI_API_KEY");
  await form.getByLabel("Value").fill("sk-second-value");
  await form.getByRole("button", { name: "Replace value" }).click();
  await expect(page.getByRole("heading", { name: "Set a secret" })).toBeVisible();
  await expect(page.getByTestId("secret-row")).toHaveCount(1);

  // The list survives a reload (it comes from the server, not from the form).
  await page.reload();
  await expect(row).toBeVisible();
  expect(await page.content()).not.toContain("sk-second-value");

  await row.getByRole("button", { name: "Delete" }).click();
  await expect(row.getByText("Agents that use it will answer FAILURE")).toBeVisible();
  await row.getByRole("button", { name: "Delete OPENAI_API_KEY" }).click();
  await expect(page.getByTestId("secret-row")).toHaveCount(0);
  await expect(page.getByText("No secrets yet")).toBeVisible();
});
