// One of the package's operations, N times, after a warm-up: run by
// speed/instructions.sh under callgrind, which counts the instructions.
// Arguments: the module (.wasm), the operation (header, widget or verify),
// N, and optionally the package's src/ directory (to compare two versions).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { packageCalls } from "./package-calls.mjs";

const [wasm, op, n, src = fileURLToPath(new URL("../js/src", import.meta.url))] = process.argv.slice(2);
const { initSync, Signer } = await import(`${src}/node.js`);
const W = JSON.parse(readFileSync(new URL("workload.json", import.meta.url), "utf8"));
initSync(readFileSync(wasm));
const call = packageCalls(Signer, W)[op];
if (call === undefined) throw new Error(`operation: header, widget or verify, not ${op}`);
// Enough calls for every function to reach its last tier before counting.
for (let i = 0; i < 20000; i++) call();
for (let i = 0; i < Number(n); i++) call();
