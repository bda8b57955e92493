import { expect, type Browser, type Page } from "@playwright/test";

export const PASSWORD = "talentboard-demo";
export const ADMIN = "admin@example.com";
export const EMPLOYER = "employer@example.com";
export const PENDING = "pending@example.org";
export const CANDIDATE = "candidate@example.com";

/** Waits until the WebAssembly has hydrated the page (the app marks <body>). */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
}

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/signin");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** The ids of the published profiles, in the order /profiles lists them, without the demo
 * candidate's own (the seed creates it first, so it has id 1). */
export async function profileIds(page: Page): Promise<number[]> {
  await page.goto("/profiles?sort=experience_asc");
  const hrefs = await page.locator(".card-title a").evaluateAll((links) =>
    links.map((a) => a.getAttribute("href") ?? ""),
  );
  return hrefs.map((href) => Number(href.split("/").pop())).filter((id) => id !== 1);
}

/** The profile with this index in the list: each test uses its own, so no test depends on
 * what another bought. */
export async function freshProfile(page: Page, index: number): Promise<number> {
  const ids = await profileIds(page);
  return ids[index];
}

export async function newEmployer(browser: Browser, email: string, company: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/signup");
  await hydrated(page);
  await page.getByLabel(/Hiring/).check();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company name").fill(company);
  await page.getByLabel("Company website").fill("https://example.com");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/profiles$/);
  return { context, page };
}

export async function approveAs(browser: Browser, company: string) {
  const context = await browser.newContext();
  const admin = await context.newPage();
  await signIn(admin, ADMIN);
  await admin.goto("/admin/employers");
  await hydrated(admin);
  await admin.getByRole("button", { name: `Approve ${company}` }).click();
  await expect(admin.getByRole("button", { name: `Approve ${company}` })).toHaveCount(0);
  await context.close();
}
