import { defineConfig } from "@playwright/test";

// The release build against a fresh SQLite database with demo data and the built-in payment
// simulator. Debian's Chromium is used: Playwright's own browser download is not reachable.
const port = Number(process.env.E2E_PORT ?? 3100);
export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  outputDir: "test-results",
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    cwd: "..",
    command:
      "rm -rf target/e2e && mkdir -p target/e2e && " +
      "./target/release/talentboard seed --demo --profiles 60 && " +
      "exec ./target/release/talentboard serve",
    env: {
      DATABASE_URL: "sqlite://target/e2e/talentboard.db",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      APP_URL: baseURL,
      RUST_LOG: "warn",
    },
    url: `${baseURL}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});
