// Opens a page in Debian's Chromium (Playwright, from js/node_modules:
// `npm --prefix js install` first), served from 127.0.0.1 with the given
// files and nothing else, and returns what the page leaves in
// `window.speedResults`. Shared by chromium.mjs and compare.mjs.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

import { chromium } from "../js/node_modules/playwright-core/index.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const TYPES = { ".html": "text/html", ".mjs": "text/javascript", ".js": "text/javascript", ".json": "application/json", ".wasm": "application/wasm" };

/**
 * `files` maps each path the page may load ("speed/browser.html") to the
 * file that answers it; `page` is the path and query of the page to open.
 */
export async function resultsInChromium(files, page) {
  const server = createServer((req, res) => {
    const file = files.get(decodeURIComponent(new URL(req.url, "http://x").pathname).slice(1));
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[file.slice(file.lastIndexOf("."))] });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const tab = await browser.newPage();
    const errors = [];
    tab.on("pageerror", (error) => errors.push(error.message));
    tab.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    await tab.goto(`http://127.0.0.1:${server.address().port}/${page}`);
    const handle = await tab
      .waitForFunction(() => window.speedResults, null, { timeout: 600_000, polling: 200 })
      .catch((error) => {
        throw new Error(`the page gave no results: ${errors.join("; ") || error.message}`);
      });
    return await handle.jsonValue();
  } finally {
    await browser.close();
    server.close();
  }
}
