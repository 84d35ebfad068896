// Serves speed/browser.html from 127.0.0.1, opens it in Debian's Chromium
// (Playwright, from js/node_modules: `npm --prefix js install` first) and
// prints the page's measurements as JSON lines, as node.mjs does.
// SPEED_BATCH_MS (default 100) is the length of each timed batch.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

import { chromium } from "../js/node_modules/playwright-core/index.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const BATCH_MS = Number(process.env.SPEED_BATCH_MS ?? 100);
const TYPES = { ".html": "text/html", ".mjs": "text/javascript", ".js": "text/javascript", ".json": "application/json", ".wasm": "application/wasm" };
/** The files the page may load, and nothing else. */
const FILES = [
  "speed/browser.html",
  "speed/browser.mjs",
  "speed/measure.mjs",
  "speed/workload.json",
  "js/src/browser.js",
  "js/src/signer.js",
  "js/src/wasm.js",
  "js/ticketmatic_sign.wasm",
];

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname).slice(1);
  if (!FILES.includes(path)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "Content-Type": TYPES[path.slice(path.lastIndexOf("."))] });
  res.end(readFileSync(`${root}${path}`));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  await page.goto(`http://127.0.0.1:${server.address().port}/speed/browser.html?batch_ms=${BATCH_MS}`);
  const handle = await page
    .waitForFunction(() => window.speedResults, null, { timeout: 600_000, polling: 200 })
    .catch((error) => {
      throw new Error(`the page gave no results: ${errors.join("; ") || error.message}`);
    });
  for (const line of await handle.jsonValue()) console.log(JSON.stringify(line));
} finally {
  await browser.close();
  server.close();
}
