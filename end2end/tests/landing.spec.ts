import { expect, test } from "@playwright/test";
import { hydrated } from "./helpers";

test("the landing page says what Talentboard is and leads to the profiles", async ({ page }) => {
  await page.goto("/");

  await expect(page).toHaveTitle("Talentboard");
  await expect(page.getByRole("heading", { level: 1 })).toContainText(
    "Pay only for the ones you want",
  );
  await hydrated(page);
  await page.screenshot({ path: "test-results/screenshots/landing.png", fullPage: true });
  await page.getByRole("link", { name: "Browse profiles" }).first().click();
  await expect(page).toHaveURL(/\/profiles$/);
  await expect(page.locator(".card").first()).toBeVisible();
});

test("an unknown address shows the not-found page", async ({ page }) => {
  const response = await page.goto("/nowhere");

  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
