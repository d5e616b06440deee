import { expect, type Page } from "@playwright/test";

/** Signs in through Caxton's real GitHub flow against the fake GitHub server. */
export async function signInWithGitHub(page: Page, login: string, startAt = "/signin") {
  await page.goto(startAt);
  await page.getByRole("button", { name: "Sign in with GitHub" }).click();
  await expect(page.getByRole("heading", { name: "Fake GitHub" })).toBeVisible();
  await page.getByLabel("Sign in as").fill(login);
  await page.getByRole("button", { name: "Authorize" }).click();
}

/** Signs in and finishes onboarding if it is shown; returns the workspace slug landed in. */
export async function signInToWorkspace(page: Page, login: string): Promise<string> {
  await signInWithGitHub(page, login);
  await page.waitForURL(/\/(onboarding|w\/[^/]+\/agents)$/);
  if (page.url().endsWith("/onboarding")) {
    await page.getByRole("button", { name: "Continue to your workspace" }).click();
    await page.waitForURL(/\/w\/[^/]+\/agents$/);
  }
  return new URL(page.url()).pathname.split("/")[2]!;
}
