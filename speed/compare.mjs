// Two builds of the JavaScript package timed against each other, in Node
// and in Chromium: for deciding whether a change to the module or to js/src
// is worth taking. Each build is a folder laid out as js/ is: src/ and
// ticketmatic_sign.wasm (for another commit: `git worktree add`, then
// `npm --prefix WORKTREE/js run build`).
//
//     node speed/compare.mjs BUILD_A BUILD_B     # e.g. /tmp/before/js js
//
// Each operation: 15 alternating batches of SPEED_BATCH_MS (100) ms per
// build; prints the fastest and the median batch of each, and B's median
// against A's (a build against itself reads within about 5%: README.md).
// Not in CI. Instruction counts (instructions.sh) are steadier
// but are Node's alone: one change in this repository's history cut the
// widget URL's instructions in Node by 3.8% and made it slower in Chromium.
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { resultsInChromium } from "./in-chromium.mjs";
import { alternate, median } from "./measure.mjs";
import { reportModule } from "./module-info.mjs";
import { packageCalls } from "./package-calls.mjs";

const BATCH_MS = Number(process.env.SPEED_BATCH_MS ?? 100);
const ROUNDS = 15;
const builds = process.argv.slice(2).map((dir) => resolve(dir));
if (builds.length !== 2) {
  console.error("usage: node speed/compare.mjs BUILD_A BUILD_B   (each a folder with src/ and ticketmatic_sign.wasm)");
  process.exit(2);
}

/** One line per operation, from `{ op, a: sorted ns, b: sorted ns }`. */
function report(where, rows) {
  for (const { op, a, b } of rows) {
    const line = `${where} ${op.padEnd(6)} A: min ${a[0].toFixed(0)} median ${median(a).toFixed(0)} ns   B: min ${b[0].toFixed(0)} median ${median(b).toFixed(0)} ns`;
    console.log(`${line}   B/A ${(median(b) / median(a)).toFixed(3)}`);
  }
}

builds.forEach((build, i) => reportModule("AB"[i], `${build}/ticketmatic_sign.wasm`));

// Node: both builds in this process, each with its own instance of its module.
const W = JSON.parse(readFileSync(new URL("workload.json", import.meta.url), "utf8"));
const inNode = [];
for (const build of builds) {
  const { initSync, Signer } = await import(`${build}/src/node.js`);
  initSync(readFileSync(`${build}/ticketmatic_sign.wasm`));
  inNode.push(packageCalls(Signer, W));
}
const rows = [];
for (const op of Object.keys(inNode[0])) {
  const answers = inNode.map((calls) => JSON.stringify(calls[op]()));
  if (answers[0] !== answers[1]) throw new Error(`${op}: the builds disagree: ${answers.join(" / ")}`);
  const [a, b] = await alternate({ fn: inNode[0][op] }, { fn: inNode[1][op] }, { batchMs: BATCH_MS, rounds: ROUNDS });
  rows.push({ op, a, b });
}
report(`Node ${process.version}`, rows);

// Chromium: the page compare-page.mjs, each build served under a/ or b/.
const speed = fileURLToPath(new URL(".", import.meta.url));
const files = new Map(
  ["compare.html", "compare-page.mjs", "measure.mjs", "package-calls.mjs", "workload.json"].map((name) => [`speed/${name}`, `${speed}${name}`]),
);
builds.forEach((build, i) => {
  const under = "ab"[i];
  files.set(`${under}/ticketmatic_sign.wasm`, `${build}/ticketmatic_sign.wasm`);
  for (const name of readdirSync(`${build}/src`)) files.set(`${under}/src/${name}`, `${build}/src/${name}`);
});
const { version, results } = await resultsInChromium(files, `speed/compare.html?batch_ms=${BATCH_MS}&rounds=${ROUNDS}`);
report(`Chromium ${version}`, results);
