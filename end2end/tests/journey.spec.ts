import { expect, test } from "@playwright/test";
import { approveAs, freshProfile, hydrated, newEmployer } from "./helpers";

const shots = "test-results/screenshots";

const journey = "a new employer is approved, unlocks a profile, pays and finds it on the dashboard";
test(journey, async ({ browser }) => {
  const { context, page } = await newEmployer(browser, "journey@example.com", "Journey Labs");
  await expect(page.getByText("Approval pending")).toBeVisible();

  await approveAs(browser, "Journey Labs");

  const id = await freshProfile(page, 0);
  await page.goto("/profiles");
  await hydrated(page);
  await page.screenshot({ path: `${shots}/browse.png`, fullPage: true });
  await page.locator(`a[href="/profiles/${id}"]`).click();
  await expect(page).toHaveURL(new RegExp(`/profiles/${id}$`));
  await expect(page.getByText("Anonymized profile")).toBeVisible();
  await expect(
    page.getByText("Employer and description hidden until unlocked").first(),
  ).toBeVisible();
  await hydrated(page);
  await page.screenshot({ path: `${shots}/profile-locked.png`, fullPage: true });

  await page.getByRole("button", { name: "Unlock for $49.00" }).click();
  await expect(page).toHaveURL(/\/_sim\/checkout\/cs_test_/);
  await expect(page.getByText("$49.00").first()).toBeVisible();
  await page.screenshot({ path: `${shots}/simulator-checkout.png` });
  await page.getByRole("button", { name: "Pay $49.00" }).click();

  await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_test_/);
  await expect(page.getByText("Payment received — the profile is unlocked.")).toBeVisible();
  const email = page.locator('a[href^="mailto:"]');
  await expect(email).toBeVisible();
  await expect(page.locator('a[href^="tel:"]')).toBeVisible();
  await expect(page.getByText("Full profile")).toBeVisible();
  await page.screenshot({ path: `${shots}/checkout-success.png`, fullPage: true });
  const address = (await email.textContent()) ?? "";
  expect(address).toMatch(/@example\.(com|org)$/);

  await page.goto(`/profiles/${id}`);
  await expect(page.locator('a[href^="mailto:"]')).toHaveText(address);
  await expect(page.getByText(/Unlocked on/)).toBeVisible();

  await page.goto("/dashboard/purchases");
  await expect(page.getByText("Profiles unlocked")).toBeVisible();
  const row = page.locator("table.purchases tbody tr");
  await expect(row).toHaveCount(1);
  await expect(row.first()).toContainText("$49.00");
  await expect(row.first().locator(`a[href="/profiles/${id}"]`)).toBeVisible();
  await page.screenshot({ path: `${shots}/dashboard.png`, fullPage: true });
  await context.close();
});
