// The Chromium half of compare.mjs: the builds served under /a/ and /b/,
// timed against each other; leaves `{ version, results }` in
// `window.speedResults`.
import { alternate } from "./measure.mjs";
import { packageCalls } from "./package-calls.mjs";

const query = new URL(location.href).searchParams;
const W = await (await fetch("workload.json")).json();
const builds = [];
for (const under of ["a", "b"]) {
  const { init, Signer } = await import(`/${under}/src/browser.js`);
  await init(new URL(`/${under}/ticketmatic_sign.wasm`, location.href));
  builds.push(packageCalls(Signer, W));
}
const results = [];
for (const op of Object.keys(builds[0])) {
  const [a, b] = await alternate({ fn: builds[0][op] }, { fn: builds[1][op] }, {
    batchMs: Number(query.get("batch_ms")),
    rounds: Number(query.get("rounds")),
  });
  results.push({ op, a, b });
}
window.speedResults = { version: navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? "?", results };
