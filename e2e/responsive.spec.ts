import { expect, test } from "@playwright/test";
import { signInToWorkspace } from "./support/sign-in";

test("the shell works on a phone-sized screen", async ({ page }) => {
  const slug = await signInToWorkspace(page, "mobile-mia");
  await page.goto(`/w/${slug}/system`);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeVisible();
  // No horizontal page overflow: the navigation scrolls inside itself instead.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await nav.getByRole("link", { name: "Tools" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tools" })).toBeVisible();
});
