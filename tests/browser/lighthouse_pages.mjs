// Lighthouse on several pages with one Chromium: launching the browser once saves seconds per page.
// Usage: node lighthouse_pages.mjs <lighthouse package folder> <url>...  (CHROME_PATH names the browser)
// Prints one JSON object: {url: {scores: {category: score}, failed: [[category, audit id, title], ...],
// metrics: {...}, version}}. Two passes a page: the markup categories without throttling, then performance as
// Lighthouse's default mobile run measures it (a mid-range phone on slow 4G, simulated).
import path from "node:path";
import { pathToFileURL } from "node:url";

const [packageFolder, ...urls] = process.argv.slice(2);
const load = (name) => import(pathToFileURL(path.join(packageFolder, "node_modules", name, "index.js")).href);
const { default: lighthouse } = await import(
  pathToFileURL(path.join(packageFolder, "node_modules", "lighthouse", "core", "index.js")).href);
const chromeLauncher = await load("chrome-launcher/dist");

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"],
});
const report = {};
try {
  for (const url of urls) {
    const { lhr } = await lighthouse(url, {
      port: chrome.port, logLevel: "error", output: "json",
      onlyCategories: ["accessibility", "best-practices", "seo"],
      // These categories judge markup and behaviour, not speed: no simulated slow network or CPU to wait
      // through, shorter quiet windows after load (a static page settles at once), no screenshot to take.
      throttlingMethod: "provided", disableFullPageScreenshot: true, skipAboutBlank: true,
      pauseAfterFcpMs: 250, pauseAfterLoadMs: 250, networkQuietThresholdMs: 250, cpuQuietThresholdMs: 250,
    });
    // Performance: Lighthouse's defaults (mobile, simulated throttling), the figure the issue names. Its
    // blocking time reads the real main thread, which another process on a busy machine can stall, so the
    // median of three runs counts, as Lighthouse's own advice on variability says.
    const runs = [];
    for (let run = 0; run < 3; run++) {
      const { lhr: one } = await lighthouse(url, {
        port: chrome.port, logLevel: "error", output: "json", onlyCategories: ["performance"],
        disableFullPageScreenshot: true, skipAboutBlank: true,
      });
      runs.push(one);
    }
    runs.sort((a, b) => a.categories.performance.score - b.categories.performance.score);
    const speed = runs[1];
    lhr.categories.performance = speed.categories.performance;
    Object.assign(lhr.audits, speed.audits);
    const failed = [];
    for (const category of Object.values(lhr.categories)) {
      for (const ref of category.auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) failed.push([category.id, ref.id, audit.title]);
      }
    }
    report[url] = { scores: Object.fromEntries(Object.entries(lhr.categories).map(([id, c]) => [id, c.score])),
                    failed, version: lhr.lighthouseVersion,
                    metrics: Object.fromEntries(["first-contentful-paint", "largest-contentful-paint",
                      "total-blocking-time", "cumulative-layout-shift", "speed-index"].map(
                        (id) => [id, speed.audits[id] && speed.audits[id].displayValue])) };
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(report));
