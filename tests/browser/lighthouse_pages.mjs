// Lighthouse on several pages with one Chromium: launching the browser once saves seconds per page.
// Usage: node lighthouse_pages.mjs <lighthouse package folder> <performance floor> <url>...
// (CHROME_PATH names the browser.) Prints one JSON object: {url: {scores: {category: score}, failed:
// [[category, audit id, title], ...], metrics: {...}, runs: [performance score of each run], version}}.
//
// Every run is Lighthouse's default mobile run (a mid-range phone on slow 4G, simulated) of all four categories at
// once: the markup categories (accessibility, best practices, SEO) read the same loaded page whatever the
// throttling, and their gatherers run after the trace the speed is measured from has ended. A markup score is the
// lowest of every run, so each run must score 100.
// Performance: its blocking time reads the real main thread, which another process on a busy machine can stall.
// The project's guide runs the reference checkers once each: a page is run once, and only a page whose first run
// falls below the floor is run twice more, the median of those three counting (Lighthouse's own advice on
// variability). So a page is run once or three times: a quiet machine costs one run a page.
import path from "node:path";
import { pathToFileURL } from "node:url";

const [packageFolder, floorText, ...urls] = process.argv.slice(2);
const floor = Number(floorText);
if (!(floor > 0 && floor <= 1)) throw new Error(`the performance floor must be a score in (0, 1], not ${floorText}`);
const load = (name) => import(pathToFileURL(path.join(packageFolder, "node_modules", name, "index.js")).href);
const { default: lighthouse } = await import(
  pathToFileURL(path.join(packageFolder, "node_modules", "lighthouse", "core", "index.js")).href);
const { default: defaultConfig } = await import(
  pathToFileURL(path.join(packageFolder, "node_modules", "lighthouse", "core", "config", "default-config.js")).href);
const chromeLauncher = await load("chrome-launcher/dist");

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
// A category's score is the weighted mean of its audits, so an audit of weight 0 in every category here (the
// performance diagnostics and opportunities, the manual accessibility checks) changes no score: it is skipped, and
// with it each gatherer only such audits read (unused CSS and JavaScript, the trace's insights). About a sixth
// of Lighthouse's CPU a run, read from Lighthouse's own default config, so a new audit with a weight still runs.
const weighted = new Set(CATEGORIES.flatMap((id) =>
  defaultConfig.categories[id].auditRefs.filter((ref) => ref.weight > 0).map((ref) => ref.id)));
const unweighted = CATEGORIES.flatMap((id) => defaultConfig.categories[id].auditRefs.map((ref) => ref.id))
  .filter((id) => !weighted.has(id));
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"],
});

async function once(url) {
  const { lhr } = await lighthouse(url, {
    port: chrome.port, logLevel: "error", output: "json", onlyCategories: CATEGORIES,
    disableFullPageScreenshot: true, skipAboutBlank: true,
    // Among them the back/forward cache check, the slowest gatherer of a run: it navigates away and back after
    // the page is measured.
    skipAudits: unweighted,
  });
  return lhr;
}

const report = {};
try {
  for (const url of urls) {
    const runs = [await once(url)];
    if (runs[0].categories.performance.score < floor) runs.push(await once(url), await once(url));
    const made = runs.map((one) => one.categories.performance.score);
    runs.sort((a, b) => a.categories.performance.score - b.categories.performance.score);
    const speed = runs[Math.floor(runs.length / 2)];
    const scores = {};
    const failed = new Map();
    for (const id of CATEGORIES) {
      const judged = id === "performance" ? [speed] : runs;
      scores[id] = Math.min(...judged.map((one) => one.categories[id].score));
      for (const one of judged) {
        for (const ref of one.categories[id].auditRefs) {
          const audit = one.audits[ref.id];
          if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
            failed.set(`${id} ${ref.id}`, [id, ref.id, audit.title]);
          }
        }
      }
    }
    report[url] = { scores, failed: [...failed.values()], version: speed.lighthouseVersion, runs: made,
                    metrics: Object.fromEntries(["first-contentful-paint", "largest-contentful-paint",
                      "total-blocking-time", "cumulative-layout-shift", "speed-index"].map(
                        (id) => [id, speed.audits[id] && speed.audits[id].displayValue])) };
  }
} finally {
  await chrome.kill();
}
// Exit once the report is written: Lighthouse's connection to the killed browser keeps Node alive about four
// seconds longer for nothing, and this test runs alone.
process.stdout.write(JSON.stringify(report), () => process.exit(0));
