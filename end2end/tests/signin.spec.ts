import { expect, test } from "@playwright/test";
import { EMPLOYER, hydrated, signIn } from "./helpers";

test("a wrong password is refused with one clear message", async ({ page }) => {
  await page.goto("/signin");
  await hydrated(page);

  await page.getByLabel("Email").fill(EMPLOYER);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page.getByRole("alert")).toHaveText(
    "That email and password do not match an account.",
  );
  await expect(page).toHaveURL(/\/signin$/);
});

test("an employer signs in and lands on the profiles", async ({ page }) => {
  await signIn(page, EMPLOYER);

  await expect(page).toHaveURL(/\/profiles$/);
  await expect(page.getByRole("link", { name: "Purchases" })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/signed-in.png" });
});
