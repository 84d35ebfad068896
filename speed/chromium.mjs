// Serves speed/browser.html from 127.0.0.1, opens it in Debian's Chromium
// (in-chromium.mjs) and prints the page's measurements as JSON lines, as
// node.mjs does. SPEED_BATCH_MS (default 100) is the length of each timed batch.
import { fileURLToPath } from "node:url";

import { resultsInChromium } from "./in-chromium.mjs";
import { reportModule } from "./module-info.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const BATCH_MS = Number(process.env.SPEED_BATCH_MS ?? 100);
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

const files = new Map(FILES.map((path) => [path, `${root}${path}`]));
reportModule("module", `${root}js/ticketmatic_sign.wasm`);
for (const line of await resultsInChromium(files, `speed/browser.html?batch_ms=${BATCH_MS}`)) {
  console.log(JSON.stringify(line));
}
