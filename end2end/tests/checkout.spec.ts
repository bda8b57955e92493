import { expect, test } from "@playwright/test";
import { CANDIDATE, EMPLOYER, PENDING, freshProfile, hydrated, signIn } from "./helpers";

test("a double click on unlock opens one checkout session", async ({ page, request }) => {
  await signIn(page, EMPLOYER);
  const id = await freshProfile(page, 1);
  let checkoutCalls = 0;
  page.on("request", (req) => {
    if (req.url().endsWith("/api/checkout")) checkoutCalls += 1;
  });
  await page.goto(`/profiles/${id}`);
  await hydrated(page);

  await page.getByRole("button", { name: "Unlock for $49.00" }).dblclick();

  await expect(page).toHaveURL(/\/_sim\/checkout\/cs_test_/);
  const first = page.url();
  await page.goto(`/profiles/${id}`);
  await hydrated(page);
  await expect(page.getByText("You have a checkout in progress")).toBeVisible();
  await page.getByRole("button", { name: "Unlock for $49.00" }).click();
  await expect(page).toHaveURL(/\/_sim\/checkout\/cs_test_/);
  expect(page.url()).toBe(first);
  expect(checkoutCalls).toBeGreaterThanOrEqual(2);
  const sessions = await (await request.get("/_sim/sessions")).json();
  const forProfile = sessions.filter((s: { metadata: { profile_id: string } }) =>
    s.metadata.profile_id === String(id));
  expect(forProfile).toHaveLength(1);
});

test("a declined card leaves the profile locked with a clear message", async ({ page }) => {
  await signIn(page, EMPLOYER);
  const id = await freshProfile(page, 2);
  await page.goto(`/profiles/${id}`);
  await hydrated(page);
  await page.getByRole("button", { name: "Unlock for $49.00" }).click();
  await expect(page).toHaveURL(/\/_sim\/checkout\//);

  await page.getByRole("button", { name: "Decline the card" }).click();

  await expect(page.getByRole("alert")).toContainText(
    "Your card was declined. No money was taken.",
  );
  await page.screenshot({ path: "test-results/screenshots/declined.png" });
  await page.getByRole("button", { name: "Cancel and return" }).click();
  await expect(page).toHaveURL(new RegExp(`/profiles/${id}\\?checkout=cancelled$`));
  await expect(page.getByText("you have not been charged")).toBeVisible();
  await expect(page.getByRole("button", { name: "Unlock for $49.00" })).toBeVisible();
  await expect(page.locator('a[href^="mailto:"]')).toHaveCount(0);
});

test("cancelling checkout returns to the profile", async ({ page }) => {
  await signIn(page, EMPLOYER);
  const id = await freshProfile(page, 3);
  await page.goto(`/profiles/${id}`);
  await hydrated(page);
  await page.getByRole("button", { name: "Unlock for $49.00" }).click();
  await expect(page).toHaveURL(/\/_sim\/checkout\//);

  await page.getByRole("button", { name: "Cancel and return" }).click();

  await expect(page).toHaveURL(new RegExp(`/profiles/${id}\\?checkout=cancelled$`));
  await expect(page.getByText("Checkout was not completed")).toBeVisible();
});

test("a candidate is told only employers can unlock", async ({ page }) => {
  await signIn(page, CANDIDATE);
  const id = await freshProfile(page, 5);

  await page.goto(`/profiles/${id}`);

  await expect(page.getByText("Only employer accounts can unlock profiles.")).toBeVisible();
  await expect(page.getByRole("button", { name: /Unlock for/ })).toHaveCount(0);
});

test("an employer awaiting approval is told to wait", async ({ page }) => {
  await signIn(page, PENDING);
  await page.goto("/profiles");
  await page.locator(".card-title a").first().click();

  await expect(page.getByText("Your company is awaiting approval.")).toBeVisible();
  await expect(page.getByRole("button", { name: /Unlock for/ })).toHaveCount(0);
});

test("an anonymous visitor is asked to sign in", async ({ page }) => {
  await page.goto("/profiles");
  await page.locator(".card-title a").first().click();

  await expect(page.getByRole("link", { name: "Sign in to unlock" })).toBeVisible();
});
