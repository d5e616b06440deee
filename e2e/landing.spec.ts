import { expect, test } from "@playwright/test";
import { signInToWorkspace } from "./support/sign-in";

test("the landing page introduces Caxton and leads to sign-in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle("Caxton");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("AI agents");
  await page.getByRole("link", { name: "Go to the dashboard" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole("button", { name: "Sign in with GitHub" })).toBeVisible();
});

test("the app shell navigates between every section", async ({ page }) => {
  const slug = await signInToWorkspace(page, "navigator");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const section of ["Conversations", "Tools", "Memory", "Marketplace", "Settings", "System", "Agents"]) {
    await nav.getByRole("link", { name: section }).click();
    await expect(page.getByRole("heading", { level: 1, name: section })).toBeVisible();
    await expect(nav.getByRole("link", { name: section })).toHaveAttribute("aria-current", "page");
  }
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/agents$`));
});

test("loads no fonts, scripts or styles from other hosts", async ({ page, baseURL }) => {
  const slug = await signInToWorkspace(page, "navigator");
  const foreign: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(baseURL!) && !request.url().startsWith("data:")) foreign.push(request.url());
  });
  await page.goto("/");
  await page.goto(`/w/${slug}/system`);
  await expect(page.getByTestId("overall-status")).toBeVisible();
  expect(foreign).toEqual([]);
});
