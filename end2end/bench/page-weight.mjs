// Bytes the browser downloads for a profile page, and the time from navigation to an
// interactive (hydrated) unlock button, in Debian's Chromium, cold cache, median of N runs.
//
//   node end2end/bench/page-weight.mjs [base URL] [runs]
//
// The server must be running with demo data (make run, or scripts/bench.sh).
import { chromium, request } from "@playwright/test";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const runs = Number(process.argv[3] ?? 10);

const api = await request.newContext({ baseURL: base });
const signIn = await api.post("/api/sign_in", {
  form: { email: "employer@example.com", password: "talentboard-demo" },
  headers: { accept: "application/json" },
});
if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()}`);
const cookie = (await api.storageState()).cookies.find((c) => c.name === "tb_session");
const search = await api.post("/api/profiles_search", {
  form: {},
  headers: { accept: "application/json" },
});
const profileId = (await search.json()).cards[3].id;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});

const kind = (url, type) =>
  url.endsWith(".wasm") ? "wasm" : url.endsWith(".js") ? "js" : url.endsWith(".css") ? "css"
    : type === "document" ? "html" : "other";

const timings = [];
let weights;
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ baseURL: base });
  await context.addCookies([cookie]);
  const page = await context.newPage();
  const sizes = {};
  page.on("requestfinished", async (req) => {
    const response = await req.response();
    if (!response) return;
    const transfer = (await req.sizes()).responseBodySize;
    const raw = (await response.body().catch(() => Buffer.alloc(0))).length;
    const k = kind(req.url().split("?")[0], req.resourceType());
    sizes[k] ??= { transfer: 0, raw: 0, files: 0 };
    sizes[k].transfer += transfer;
    sizes[k].raw += raw;
    sizes[k].files += 1;
  });
  await page.goto(`/profiles/${profileId}`, { waitUntil: "commit" });
  await page.waitForFunction(() => document.body?.hasAttribute("data-hydrated"), null, {
    polling: "raf",
    timeout: 30_000,
  });
  const interactive = await page.evaluate(() => performance.now());
  await page.getByRole("button", { name: /Unlock for/ }).waitFor();
  await page.waitForLoadState("networkidle");
  timings.push(interactive);
  weights = sizes;
  await context.close();
}
await browser.close();

timings.sort((a, b) => a - b);
const median = timings[Math.floor(timings.length / 2)];
const kb = (n) => (n / 1024).toFixed(1);
console.log(`profile page /profiles/${profileId}, ${runs} cold loads`);
for (const [k, v] of Object.entries(weights).sort()) {
  const files = `${String(v.files).padStart(2)} file(s)`;
  console.log(
    `  ${k.padEnd(5)} ${files}  ${kb(v.transfer).padStart(8)} KiB transferred  ` +
      `${kb(v.raw).padStart(8)} KiB raw`,
  );
}
const total = Object.values(weights).reduce(
  (a, v) => ({ t: a.t + v.transfer, r: a.r + v.raw }),
  { t: 0, r: 0 },
);
console.log(
  `  total          ${kb(total.t).padStart(8)} KiB transferred  ` +
    `${kb(total.r).padStart(8)} KiB raw`,
);
console.log(`  navigation → interactive unlock button: median ${median.toFixed(0)} ms, ` +
  `min ${timings[0].toFixed(0)} ms, max ${timings[timings.length - 1].toFixed(0)} ms`);
