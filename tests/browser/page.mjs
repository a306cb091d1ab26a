// tests/browser/page.mjs URL CHROMIUM TOKEN SCREENSHOT - drive the page of
// storyline serve in headless Chromium and check what it shows (run by
// tests/sh/browser.sh).  Exits non-zero with the first check that fails.
import { createRequire } from "node:module";
const require = createRequire(process.env.NODE_PATH + "/");
const { chromium } = require("playwright-core");

const [url, executablePath, token, shot] = process.argv.slice(2);
let failed = 0;
function check(name, ok, detail) {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok ? "" : ": " + detail}`);
  if (!ok) failed++;
}

const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const dialogs = [];
  page.on("dialog", d => { dialogs.push(d.message()); d.dismiss(); });
  const errors = [];
  page.on("pageerror", e => errors.push(String(e)));
  await page.goto(url + "/");
  await page.waitForSelector(".story", { timeout: 10000 });
  const labels = await page.$$eval(".story", els => els.map(e => e.firstChild.textContent));
  check("the seeds' stories are listed", labels.length >= 4, labels.join(" | "));
  check("a title of markup shows as text",
    labels.some(l => l.startsWith("<script>alert(1)</script> Tidal mill")), labels.join(" | "));
  check("no script ran from the data", dialogs.length === 0 && await page.$$eval("script", s => s.length) === 1,
    dialogs.join(", "));

  // search
  await page.fill("#q", "citizens");
  await page.press("#q", "Enter");
  await page.waitForSelector(".hit", { timeout: 10000 });
  const hits = await page.$$eval(".hit", els => els.length);
  const marks = await page.$$eval(".hit mark", els => [...new Set(els.map(e => e.textContent.toLowerCase()))]);
  check("search shows hits with the word marked", hits >= 3 && marks.includes("citizens"), `${hits} ${marks}`);

  // a story: the 155-citizens one, from a hit's story link
  await page.click(".hit button.link");
  await page.waitForSelector("ol.timeline li", { timeout: 10000 });
  const entries = await page.$$eval("ol.timeline > li", els => els.length);
  check("the story's timeline has its three reports", entries === 3, String(entries));
  const pair = await page.$$eval(".pair", ps => ps.map(p => [...p.querySelectorAll(".group > div:first-child b")].map(b => b.textContent)));
  check("the denial stands beside the claim it disputes",
    pair.some(p => p[0] === "Volodymyr Zelensky" && p.includes("China")), JSON.stringify(pair));

  // live: an article ingested now appears without a reload
  const before = await page.$$eval(".story", els => els.length);
  const r = await fetch(url + "/api/articles", {
    method: "POST", headers: { Authorization: "Bearer " + token },
    body: JSON.stringify({ id: "live1", source: "live.example", title: "Lighthouse keeper of Velmora retires",
      text: "The last keeper of the Velmora lighthouse retired on Friday after forty years." }),
  });
  check("the write endpoint takes the article", r.status === 200, String(r.status));
  // polled from here: waitForFunction evaluates a string, which the page's
  // Content-Security-Policy rightly refuses
  for (let t = 0; t < 100 && await page.$$eval(".story", els => els.length) <= before; t++)
    await new Promise(ok => setTimeout(ok, 100));
  const fresh = await page.$$eval(".story.new", els => els.map(e => e.firstChild.textContent));
  check("the new story appears without a reload", fresh.some(t => t.startsWith("Lighthouse keeper")), fresh.join(" | "));
  check("no error in the page", errors.length === 0, errors.join("; "));
  await page.screenshot({ path: shot, fullPage: true });
  console.log("screenshot: " + shot);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
