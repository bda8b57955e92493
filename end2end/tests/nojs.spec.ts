import { expect, test } from "@playwright/test";
import { EMPLOYER, PASSWORD, freshProfile } from "./helpers";

test.use({ javaScriptEnabled: false });

test("the whole purchase works with JavaScript turned off", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(EMPLOYER);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/profiles$/);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  const id = await freshProfile(page, 4);
  await page.goto(`/profiles/${id}`);
  await page.getByRole("button", { name: "Unlock for $49.00" }).click();
  await expect(page).toHaveURL(/\/_sim\/checkout\/cs_test_/);
  await page.getByRole("button", { name: "Pay $49.00" }).click();

  await expect(page).toHaveURL(/\/checkout\/success/);
  await expect(page.getByText("Payment received — the profile is unlocked.")).toBeVisible();
  await expect(page.locator('a[href^="mailto:"]')).toBeVisible();
  await page.goto("/dashboard/purchases");
  await expect(page.locator(`table.purchases a[href="/profiles/${id}"]`)).toBeVisible();
});

test("a wrong password without JavaScript comes back with the message", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(EMPLOYER);
  await page.getByLabel("Password").fill("not it at all");
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page).toHaveURL(/\/signin\?error=invalid_credentials$/);
  await expect(page.getByRole("alert")).toHaveText(
    "That email and password do not match an account.",
  );
});

test("browsing filters work without JavaScript", async ({ page }) => {
  await page.goto("/profiles");
  await page.getByLabel("Min. years").fill("15");
  await page.getByRole("button", { name: "Search" }).click();

  await expect(page).toHaveURL(/min_years=15/);
  const meta = page.locator(".card-meta");
  const count = await meta.count();
  expect(count, "some profiles have 15 years or more").toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const years = Number(((await meta.nth(i).textContent()) ?? "").split(" ")[0]);
    expect(years).toBeGreaterThanOrEqual(15);
  }
});
