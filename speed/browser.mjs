// Chromium: WebCrypto and the URL API against the JavaScript package (js/,
// WebAssembly), on speed/workload.json, in the page speed/browser.html.
// speed/chromium.mjs serves the page, drives Chromium and prints the lines
// this leaves in `window.speedResults`, one per measurement, as node.mjs does.
import { init, Signer } from "../js/src/browser.js";
import { measurePair } from "./measure.mjs";

const W = await (await fetch("workload.json")).json();
const { access_key: KEY, secret_key: SECRET, account: ACCOUNT, widget: WIDGET, unix_time: T } = W;
const PARAMS = W.params;
const QUERY = W.return_query;
const BASE = "https://apps.ticketmatic.com";
const BATCH_MS = Number(new URL(location.href).searchParams.get("batch_ms") ?? 100);

// ----- what a browser developer writes with WebCrypto ----------------------------------

const utf8 = new TextEncoder();
const key = await crypto.subtle.importKey("raw", utf8.encode(SECRET), { name: "HMAC", hash: "SHA-256" }, false, [
  "sign",
  "verify",
]);
const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
const sign = async (message) => hex(await crypto.subtle.sign("HMAC", key, utf8.encode(message)));

async function stdHeader(unix) {
  const ts = new Date(unix * 1000).toISOString().slice(0, 19);
  return `TM-HMAC-SHA256 key=${KEY} ts=${ts} sign=${await sign(KEY + ACCOUNT + ts)}`;
}

// Byte-wise order of the names' UTF-8 is code-point order (JavaScript's <
// compares UTF-16 units, which differs above U+FFFF).
function byCodePoint([a], [b]) {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
const canonical = (pairs) =>
  pairs
    .filter(([n]) => n !== "l" && n !== "ordercode")
    .sort(byCodePoint)
    .map(([n, v]) => n + v)
    .join("");
// RFC 3986: encodeURIComponent leaves !'()* alone.
const encode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

async function stdWidgetUrl(widget, params) {
  const query = params.map(([n, v]) => `${encode(n)}=${encode(v)}&`).join("");
  const signature = await sign(KEY + ACCOUNT + canonical(params));
  return `${BASE}/widgets/${ACCOUNT}/${widget}?${query}accesskey=${encode(KEY)}&signature=${signature}`;
}

// subtle.verify compares in constant time.
async function stdVerify(query) {
  const params = new Map(new URLSearchParams(query));
  const given = params.get("signature") ?? "";
  if (params.get("accesskey") !== KEY || !/^[0-9a-f]{64}$/.test(given)) return false;
  params.delete("signature");
  params.delete("accesskey");
  const mac = Uint8Array.from(given.match(/../g), (h) => parseInt(h, 16));
  return crypto.subtle.verify("HMAC", key, mac, utf8.encode(KEY + ACCOUNT + canonical([...params])));
}

// ----- the package ------------------------------------------------------------------------

await init(new URL("../js/ticketmatic_sign.wasm", import.meta.url));
const signer = new Signer({ accessKey: KEY, secretKey: SECRET, account: ACCOUNT });
const bindingVerify = (query) => signer.verifyReturnUrl(query).valid;

function same(what, a, b) {
  if (a !== b) throw new Error(`${what}: WebCrypto code gives ${a}, the package ${b}`);
}
same("header", await stdHeader(T), signer.authorization(T));
same("widget URL", await stdWidgetUrl(WIDGET, PARAMS), signer.widgetUrl(WIDGET, PARAMS));
same("return URL", await stdVerify(QUERY), true);
same("return URL", bindingVerify(QUERY), true);
const changed = QUERY.replace("2715", "2716");
same("changed return URL", await stdVerify(changed), false);
same("changed return URL", bindingVerify(changed), false);

const ops = {
  header: [() => stdHeader(T), () => signer.authorization(T)],
  "widget URL, 10 parameters": [() => stdWidgetUrl(WIDGET, PARAMS), () => signer.widgetUrl(WIDGET, PARAMS)],
  "return-URL check": [() => stdVerify(QUERY), () => bindingVerify(QUERY)],
};
const version = navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? "?";
const results = [];
for (const [op, [std, binding]] of Object.entries(ops)) {
  const ns = await measurePair({ fn: std, async: true }, { fn: binding }, { batchMs: BATCH_MS });
  for (const [i, impl] of ["stdlib", "binding"].entries()) {
    results.push({ language: `Chromium ${version}`, binding: "ticketmatic-sign (npm, WebAssembly)", op, impl, ns: ns[i] });
  }
}
window.speedResults = results;
