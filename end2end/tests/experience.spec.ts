import { type APIRequestContext, type Page, expect, test } from "@playwright/test";
import { EMPLOYER, freshProfile, hydrated, signIn } from "./helpers";

/** Unlocks profile `id` with a bank debit, which clears only when settled, and returns the
 * simulator's session id. Ends on the return page. */
async function payByBankDebit(page: Page, id: number): Promise<string> {
  await page.goto(`/profiles/${id}`);
  await hydrated(page);
  await page.getByRole("button", { name: "Unlock for $49.00" }).click();
  await expect(page).toHaveURL(/\/_sim\/checkout\/cs_test_/);
  const session = page.url().split("/").pop() ?? "";
  await page.getByRole("button", { name: /Pay by bank debit/ }).click();
  await expect(page).toHaveURL(/\/checkout\/success/);
  return session;
}

/** Counts the page's own navigations (a reload is one) from now on. */
function countNavigations(page: Page): () => number {
  let navigations = 0;
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) navigations += 1;
  });
  return () => navigations;
}

async function settle(request: APIRequestContext, session: string) {
  const settled = await request.post(`/_sim/sessions/${session}/settle?outcome=succeeded`);
  expect(settled.ok()).toBeTruthy();
}

const delayed = "a delayed payment shows 'unlocking…' until it clears, then the profile";
test(`${delayed}, with no reload`, async ({ page, request }) => {
  await signIn(page, EMPLOYER);
  const id = await freshProfile(page, 6);

  const session = await payByBankDebit(page, id);

  await expect(page.getByText("Payment received, unlocking…")).toBeVisible();
  await hydrated(page);
  await page.screenshot({ path: "test-results/screenshots/unlocking.png" });
  const navigations = countNavigations(page);
  await settle(request, session);
  await expect(page.getByText("Payment received — the profile is unlocked.")).toBeVisible();
  await expect(page.locator('a[href^="mailto:"]')).toBeVisible();
  expect(navigations()).toBe(0);
});

test("a payment that clears while its profile is open shows the profile in place", async ({
  page,
  request,
}) => {
  await signIn(page, EMPLOYER);
  const id = await freshProfile(page, 9);
  const session = await payByBankDebit(page, id);

  await page.goto(`/profiles/${id}`);
  await expect(page.getByText("Payment received, unlocking…")).toBeVisible();
  await expect(page.getByRole("button", { name: /Unlock for/ })).toHaveCount(0);
  await hydrated(page);
  const navigations = countNavigations(page);
  await settle(request, session);

  await expect(page.locator('a[href^="mailto:"]')).toBeVisible();
  await expect(page.getByText(/Unlocked on/)).toBeVisible();
  expect(navigations()).toBe(0);
});

test("the unlock button can be reached and used with the keyboard alone", async ({ page }) => {
  await signIn(page, EMPLOYER);
  const id = await freshProfile(page, 7);
  await page.goto(`/profiles/${id}`);
  await hydrated(page);

  let focused = "";
  for (let i = 0; i < 40 && !focused.startsWith("Unlock for"); i++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");
  }
  expect(focused).toBe("Unlock for $49.00");
  await page.keyboard.press("Enter");

  await expect(page).toHaveURL(/\/_sim\/checkout\/cs_test_/);
});

test("pages fit a phone screen", async ({ browser }) => {
  const context = await browser.newContext({
    viewport: { width: 375, height: 740 },
    isMobile: true,
  });
  const page = await context.newPage();
  await signIn(page, EMPLOYER);
  const id = await freshProfile(page, 8);

  for (const path of ["/", "/profiles", `/profiles/${id}`, "/dashboard/purchases"]) {
    await page.goto(path);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
  }
  await page.goto(`/profiles/${id}`);
  await page.screenshot({ path: "test-results/screenshots/profile-phone.png", fullPage: true });
  await context.close();
});

test("form fields have labels and errors are announced", async ({ page }) => {
  await page.goto("/signup");
  await hydrated(page);
  for (const label of ["Email", "Password", "Company name", "Company website"]) {
    await expect(page.getByLabel(label)).toBeVisible();
  }

  await page.getByLabel("Email").fill("someone@example.com");
  await page.getByLabel("Password").fill("long enough password");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page.locator(".field-error").first()).toBeVisible();
  await expect(page.getByText("Enter your company's name (2 to 100 characters).")).toBeVisible();
});
