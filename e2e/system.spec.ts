import { mkdirSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { signInToWorkspace } from "./support/sign-in";

test("the System page shows every check green, live", async ({ page }) => {
  const slug = await signInToWorkspace(page, "operator-sam");
  await page.goto(`/w/${slug}/system`);
  const overall = page.getByTestId("overall-status");
  await expect(overall).toHaveAttribute("data-status", "ok", { timeout: 15_000 });
  await expect(overall).toContainText("All systems operational");
  for (const check of ["database", "redis", "worker"]) {
    await expect(page.getByTestId(`check-${check}`)).toHaveAttribute("data-status", "ok");
    await expect(page.getByTestId(`check-${check}`)).toContainText("Healthy");
  }
  await expect(page.getByTestId("check-worker")).toContainText("1 worker(s)");
  mkdirSync("test-results/artifacts", { recursive: true });
  await page.screenshot({ path: "test-results/artifacts/system-page.png", fullPage: true });

  // Live: the uptime moves without a reload.
  const before = await overall.textContent();
  await expect(overall).not.toHaveText(before!, { timeout: 5_000 });
});

test("the queue round trip runs a job through a worker", async ({ page }) => {
  const slug = await signInToWorkspace(page, "operator-sam");
  await page.goto(`/w/${slug}/system`);
  await expect(page.getByTestId("probe-result")).toHaveText("Not run yet.");
  await page.getByRole("button", { name: "Run check" }).click();
  await expect(page.getByTestId("probe-result")).toContainText(/Completed by .+ in \d+ ms\./, { timeout: 10_000 });
});

test("GET /api/health answers with the documented shape", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body).toMatchObject({ status: "ok", version: expect.any(String), uptimeS: expect.any(Number) });
  expect(Object.keys(body.checks).sort()).toEqual(["database", "redis", "worker"]);
});
