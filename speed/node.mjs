// Node: node:crypto and the URL API against the JavaScript package (js/,
// WebAssembly), on speed/workload.json. Prints one JSON line per
// measurement; speed/run.sh makes the table.
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { init, Signer } from "../js/src/node.js";
import { measurePair } from "./measure.mjs";
import { reportModule } from "./module-info.mjs";

const W = JSON.parse(readFileSync(new URL("workload.json", import.meta.url), "utf8"));
const { access_key: KEY, secret_key: SECRET, account: ACCOUNT, widget: WIDGET, unix_time: T } = W;
const PARAMS = W.params;
const QUERY = W.return_query;
const BASE = "https://apps.ticketmatic.com";
const BATCH_MS = Number(process.env.SPEED_BATCH_MS ?? 100);

// ----- what a Node developer writes with the standard library ------------------------

const sign = (message) => createHmac("sha256", SECRET).update(message, "utf8").digest("hex");

function stdHeader(unix) {
  const ts = new Date(unix * 1000).toISOString().slice(0, 19);
  return `TM-HMAC-SHA256 key=${KEY} ts=${ts} sign=${sign(KEY + ACCOUNT + ts)}`;
}

// Byte-wise order of the names' UTF-8 (JavaScript's < compares UTF-16 units).
const byUtf8 = (a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0]));
const canonical = (pairs) =>
  pairs.filter(([n]) => n !== "l" && n !== "ordercode").sort(byUtf8).map(([n, v]) => n + v).join("");
// RFC 3986: encodeURIComponent leaves !'()* alone.
const encode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

function stdWidgetUrl(widget, params) {
  const query = params.map(([n, v]) => `${encode(n)}=${encode(v)}&`).join("");
  const signature = sign(KEY + ACCOUNT + canonical(params));
  return `${BASE}/widgets/${ACCOUNT}/${widget}?${query}accesskey=${encode(KEY)}&signature=${signature}`;
}

function stdVerify(query) {
  const params = new Map(new URLSearchParams(query));
  const given = Buffer.from(params.get("signature") ?? "");
  if (params.get("accesskey") !== KEY) return false;
  params.delete("signature");
  params.delete("accesskey");
  const expected = Buffer.from(sign(KEY + ACCOUNT + canonical([...params])));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// ----- the binding --------------------------------------------------------------------

await init();
const signer = new Signer({ accessKey: KEY, secretKey: SECRET, account: ACCOUNT });
const bindingVerify = (query) => signer.verifyReturnUrl(query).valid;

assert.equal(stdHeader(T), signer.authorization(T));
assert.equal(stdWidgetUrl(WIDGET, PARAMS), signer.widgetUrl(WIDGET, PARAMS));
assert.ok(stdVerify(QUERY) && bindingVerify(QUERY));
assert.ok(!stdVerify(QUERY.replace("2715", "2716")) && !bindingVerify(QUERY.replace("2715", "2716")));

reportModule("module", fileURLToPath(new URL("../js/ticketmatic_sign.wasm", import.meta.url)));

const ops = {
  header: [() => stdHeader(T), () => signer.authorization(T)],
  "widget URL, 10 parameters": [() => stdWidgetUrl(WIDGET, PARAMS), () => signer.widgetUrl(WIDGET, PARAMS)],
  "return-URL check": [() => stdVerify(QUERY), () => bindingVerify(QUERY)],
};
for (const [op, [std, binding]] of Object.entries(ops)) {
  const ns = await measurePair({ fn: std }, { fn: binding }, { batchMs: BATCH_MS });
  for (const [i, impl] of ["stdlib", "binding"].entries()) {
    const line = { language: `Node ${process.version}`, binding: "ticketmatic-sign (npm, WebAssembly)", op, impl, ns: ns[i] };
    console.log(JSON.stringify(line));
  }
}
