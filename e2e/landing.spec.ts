import { expect, test } from "@playwright/test";

test("the landing page introduces Caxton and leads to the dashboard", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle("Caxton");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("AI agents");
  await page.getByRole("link", { name: "Go to the dashboard" }).click();
  await expect(page).toHaveURL(/\/agents$/);
  await expect(page.getByRole("heading", { level: 1, name: "Agents" })).toBeVisible();
});

test("the app shell navigates between every section", async ({ page }) => {
  await page.goto("/agents");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const section of ["Conversations", "Tools", "Memory", "Marketplace", "Settings", "System", "Agents"]) {
    await nav.getByRole("link", { name: section }).click();
    await expect(page.getByRole("heading", { level: 1, name: section })).toBeVisible();
    await expect(nav.getByRole("link", { name: section })).toHaveAttribute("aria-current", "page");
  }
});

test("loads no fonts, scripts or styles from other hosts", async ({ page, baseURL }) => {
  const foreign: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(baseURL!) && !request.url().startsWith("data:")) foreign.push(request.url());
  });
  await page.goto("/");
  await page.goto("/system");
  await expect(page.getByTestId("overall-status")).toBeVisible();
  expect(foreign).toEqual([]);
});
