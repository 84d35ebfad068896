// The debugger's recognition and diagnosis, in Node (the browser test drives
// the page itself). Each faulty input is made here by a plainly written
// faulty client (node:crypto), and the diagnosis must name its mistake.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";

import { diagnose, firstDifference } from "../debugger/diagnose.js";
import { recognise } from "../debugger/recognise.js";
import { init, Signer } from "../src/node.js";

await init();

const hmac = (secret, text) => createHmac("sha256", secret).update(text, "utf8").digest("hex");
const WIDGET_KEYS = { accessKey: "azertyuiop", secretKey: "qsdfghjklm", account: "myaccountname" };
const API_KEYS = { accessKey: "xyz", secretKey: "xyz", account: "ticketmatic" };
const DOC_URL =
  "https://apps.ticketmatic.com/widgets/myaccountname/addtickets?event=123&l=fr&returnurl=http%3A%2F%2Fwww.ticketmatic.com&skinid=25&accesskey=azertyuiop&signature=0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8";
const SPEC_HEADER =
  "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590";
const SPEC_TIME = Date.UTC(2017, 6, 29, 16, 40, 46);

function run(text, credentials, now = SPEC_TIME) {
  const hmacHex = async (t) => hmac(credentials.secretKey, t);
  return diagnose(recognise(text), { Signer, credentials, now, hmacHex });
}
const ids = (found) => found.causes.map((c) => c.id);

/** A widget URL as a client with these habits would write it. */
function clientUrl(params, { sign = (p) => p, encode = encodeURIComponent, account = "myaccountname" } = {}) {
  const signed = sign(params).map(([n, v]) => n + v).join("");
  const signature = hmac("qsdfghjklm", `azertyuiop${account}${signed}`);
  const query = params.map(([n, v]) => `${encode(n)}=${encode(v)}`).join("&");
  return `https://apps.ticketmatic.com/widgets/${account}/addtickets?${query}&accesskey=azertyuiop&signature=${signature}`;
}
const sorted = (p) => [...p].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const unsigned = (p) => p.filter(([n]) => n !== "l" && n !== "ordercode");

test("recognises headers, widget URLs and return URLs", () => {
  assert.equal(recognise(SPEC_HEADER).kind, "header");
  assert.equal(recognise(`Authorization: ${SPEC_HEADER}`).sign, SPEC_HEADER.slice(-64));
  assert.deepEqual(recognise("TM-HMAC-SHA256 key=xyz  ts=1").malformed, 22);
  assert.equal(recognise(DOC_URL).kind, "widget");
  assert.equal(recognise(DOC_URL).account, "myaccountname");
  assert.equal(recognise("https://shop.example/done?orderid=1&accesskey=k&signature=s").kind, "return");
  assert.equal(recognise("orderid=1&signature=s").kind, "return");
  assert.equal(recognise("hello").kind, "unknown");
  assert.equal(recognise("  ").kind, "empty");
});

test("first difference", () => {
  assert.equal(firstDifference("abc", "abc"), -1);
  assert.equal(firstDifference("abd", "abc"), 2);
  assert.equal(firstDifference("ab", "abc"), 2);
});

test("the SPEC's header matches; an hour later it is stale; a changed digit is found", async () => {
  assert.deepEqual(ids(await run(SPEC_HEADER, API_KEYS)), []);
  assert.equal((await run(SPEC_HEADER, API_KEYS)).verdict, "match");
  const later = await run(SPEC_HEADER, API_KEYS, SPEC_TIME + 3600_000);
  assert.equal(later.verdict, "match");
  assert.deepEqual(ids(later), ["clock-past", "local-time"]);
  assert.deepEqual(ids(await run(SPEC_HEADER, API_KEYS, SPEC_TIME - 45 * 60_000)), ["clock-future"]);
  // Years away is a stale header, not a time zone, whatever the minutes.
  for (let minutes = 0; minutes < 60; minutes++) {
    const now = Date.UTC(2026, 10, 24, 8, minutes, 46);
    assert.deepEqual(ids(await run(SPEC_HEADER, API_KEYS, now)), ["clock-past"], `${minutes}`);
  }
  assert.deepEqual(ids(await run(SPEC_HEADER, API_KEYS, SPEC_TIME + 14 * 3600_000)), ["clock-past", "local-time"]);
  assert.deepEqual(ids(await run(SPEC_HEADER, API_KEYS, SPEC_TIME + 15 * 3600_000)), ["clock-past"]);
  const tampered = SPEC_HEADER.slice(0, -10) + "0" + SPEC_HEADER.slice(-9);
  const found = await run(tampered, API_KEYS);
  assert.equal(found.verdict, "mismatch");
  assert.equal(found.difference, 54);
  assert.deepEqual(ids(found), ["secret-or-account"]);
});

test("header mistakes: upper case, account left out, another key, local time, bad timestamp", async () => {
  assert.deepEqual(ids(await run(SPEC_HEADER.slice(0, -64) + SPEC_HEADER.slice(-64).toUpperCase(), API_KEYS)), ["upper-case-hex"]);
  const noAccount = `TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=${hmac("xyz", "xyz2017-07-29T16:40:46")}`;
  assert.deepEqual(ids(await run(noAccount, API_KEYS)), ["account-not-signed"]);
  // Signed right for the key entered, but the header names another one.
  const otherKey = await run(SPEC_HEADER.replace("key=xyz", "key=abc"), API_KEYS);
  assert.equal(otherKey.verdict, "match");
  assert.deepEqual(ids(otherKey), ["wrong-key"]);
  const refused = await run(SPEC_HEADER.replace("16:40:46", "16:40:46Z"), API_KEYS);
  assert.equal(refused.verdict, "refused");
  assert.equal(refused.message, "timestamp: a header's ts is YYYY-MM-DDTHH:MM:SS, without 'Z'");
  assert.deepEqual(ids(refused), ["timestamp-form"]);
  assert.equal((await run("TM-HMAC-SHA256 key=xyz", API_KEYS)).verdict, "refused");
});

test("the documented widget URL matches; each client mistake is named", async () => {
  const doc = await run(DOC_URL, WIDGET_KEYS);
  assert.equal(doc.verdict, "match");
  assert.equal(doc.expectedValue, DOC_URL);
  const params = [["event", "123"], ["l", "fr"], ["returnurl", "http://www.ticketmatic.com"], ["skinid", "25"]];
  const cases = [
    ["signed-unsorted", clientUrl([["skinid", "25"], ["event", "123"]], { sign: unsigned })],
    ["signed-l", clientUrl(params, { sign: sorted })],
    ["signed-ordercode", clientUrl([["ordercode", "X1"], ["event", "1"]], { sign: (p) => sorted(p) })],
    ["signed-encoded", clientUrl(params, { sign: (p) => sorted(unsigned(p)).map(([n, v]) => [n, encodeURIComponent(v)]) })],
    ["plus-vs-space", clientUrl([["q", "a+b"]], { encode: (t) => t })],
    ["numeric-sort", clientUrl([["10", "a"], ["9", "b"]], { sign: (p) => [...p].sort(([a], [b]) => Number(a) - Number(b)) })],
    ["ref-unsigned", clientUrl([["ref", "r1"], ["event", "1"]], { sign: (p) => sorted(p.filter(([n]) => n !== "ref")) })],
  ];
  for (const [cause, url] of cases) {
    const found = await run(url, WIDGET_KEYS);
    assert.equal(found.verdict, "mismatch", cause);
    assert.deepEqual(ids(found), [cause], url);
  }
  const otherAccount = clientUrl([["event", "1"]], { account: "otheraccount" });
  assert.deepEqual(ids(await run(otherAccount, WIDGET_KEYS)), ["url-account"]);
  const upper = DOC_URL.slice(0, -64) + DOC_URL.slice(-64).toUpperCase();
  assert.deepEqual(ids(await run(upper, WIDGET_KEYS)), ["upper-case-hex"]);
});

test("return URLs: valid, one byte changed, wrong key, malformed", async () => {
  const keys = { accessKey: "142dda885ec6024f934a40c1", secretKey: "abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784", account: "club" };
  const url =
    "https://shop.example/done?orderid=2715&status=ok&accesskey=142dda885ec6024f934a40c1&signature=313e4ce1ea0da73a2cf4b83d72f43c4ae832f3f0d66b6047d9892cef6f6f5658";
  assert.equal((await run(url, keys)).verdict, "match");
  const changed = await run(url.replace("2715", "2716"), keys);
  assert.equal(changed.verdict, "mismatch");
  assert.equal(changed.expected, hmac(keys.secretKey, "142dda885ec6024f934a40c1cluborderid2716statusok"));
  assert.equal(changed.difference, firstDifference("313e4ce1ea0da73a2cf4b83d72f43c4ae832f3f0d66b6047d9892cef6f6f5658", changed.expected));
  assert.deepEqual(ids(changed), ["changed"]);
  const wrongKey = await run(url.replace("accesskey=142d", "accesskey=942d"), keys);
  assert.equal(wrongKey.verdict, "mismatch");
  assert.deepEqual(ids(wrongKey), ["access-key"]);
  const malformed = await run(`${url}&x=%zz`, keys);
  assert.equal(malformed.verdict, "refused");
  assert.equal(malformed.difference, url.length - url.indexOf("?") - 1 + 3);
});
