// The debugger page in a real browser: Debian's Chromium driven by
// Playwright. Served from 127.0.0.1 by a file server here, and the standalone
// page from file://. Expected signatures are computed with node:crypto or
// taken from the SPEC and Ticketmatic's documentation. Screenshots go to
// target/ for people to look at.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "playwright-core";

const js = fileURLToPath(new URL("..", import.meta.url));
const shots = fileURLToPath(new URL("../../target/", import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const hmac = (secret, text) => createHmac("sha256", secret).update(text, "utf8").digest("hex");

const API_KEYS = { "#access-key": "xyz", "#secret-key": "xyz", "#account": "ticketmatic" };
const WIDGET_KEYS = { "#access-key": "azertyuiop", "#secret-key": "qsdfghjklm", "#account": "myaccountname" };
const RETURN_KEYS = { "#access-key": "142dda885ec6024f934a40c1", "#secret-key": "abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784", "#account": "club" };
// Ticketmatic's widget documentation.
const DOC_URL =
  "https://apps.ticketmatic.com/widgets/myaccountname/addtickets?event=123&l=fr&returnurl=http%3A%2F%2Fwww.ticketmatic.com&skinid=25&accesskey=azertyuiop&signature=0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8";
const RETURN_URL =
  "https://shop.example/done?orderid=2715&status=ok&accesskey=142dda885ec6024f934a40c1&signature=313e4ce1ea0da73a2cf4b83d72f43c4ae832f3f0d66b6047d9892cef6f6f5658";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm" };
/** The files the page may load, and nothing else. */
const PAGE_FILES = ["debugger/index.html", "debugger/debugger.css", "debugger/debugger.js", "debugger/diagnose.js", "debugger/recognise.js", "src/browser.js", "src/signer.js", "src/wasm.js", "ticketmatic_sign.wasm"];

let server, origin, browser;
const requests = [];
const problems = [];

before(async () => {
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname).slice(1);
    if (!PAGE_FILES.includes(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[path.slice(path.lastIndexOf("."))] });
    res.end(readFileSync(`${js}${path}`));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A page that records every request and every console error or page error. */
async function open(url) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
  page.on("pageerror", (error) => problems.push(String(error)));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

async function fill(page, fields) {
  for (const [selector, value] of Object.entries(fields)) await page.fill(selector, value);
}

/** Pastes `text` and waits for the verdict it produces. */
async function check(page, text, verdict) {
  await page.fill("#input", text);
  await page.waitForSelector(`#verdict[data-verdict=${verdict}]`);
  return {
    verdict: await page.textContent("#verdict"),
    marked: await page.$$eval("#given-signature mark", (marks) => marks.map((m) => m.textContent)),
    before: await page.$eval("#given-signature", (dd) => (dd.querySelector("mark") ? dd.firstChild.textContent.length : -1)),
    causes: await page.$$eval("#causes li", (items) => items.map((li) => li.dataset.cause)),
  };
}

test("headers: a valid one matches; a tampered one is caught at the changed character", async () => {
  const page = await open(`${origin}/debugger/index.html`);
  await fill(page, API_KEYS);
  const ts = new Date().toISOString().slice(0, 19);
  const sign = hmac("xyz", `xyzticketmatic${ts}`);
  const valid = await check(page, `TM-HMAC-SHA256 key=xyz ts=${ts} sign=${sign}`, "match");
  assert.match(valid.verdict, /The signature matches\./);
  assert.deepEqual(valid.causes, []);
  assert.equal(await page.textContent("#detected"), "Authorization header");
  assert.equal(await page.textContent("#signed-text"), `xyzticketmatic${ts}`);

  const at = 20;
  const flipped = sign[at] === "0" ? "1" : "0";
  const tampered = await check(page, `TM-HMAC-SHA256 key=xyz ts=${ts} sign=${sign.slice(0, at)}${flipped}${sign.slice(at + 1)}`, "mismatch");
  assert.match(tampered.verdict, new RegExp(`The signature does not match\\..*character ${at + 1}`));
  assert.deepEqual(tampered.marked, [flipped]);
  assert.equal(tampered.before, at);
  assert.equal(await page.textContent("#expected-signature"), sign);

  // The SPEC's example: right signature, but years old.
  const old = await check(page, "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590", "match");
  assert.deepEqual(old.causes, ["clock-past"]);
  await page.close();
});

test("widget URLs: the documented one matches; a client that signed 'l' is named", async () => {
  const page = await open(`${origin}/debugger/index.html`);
  await fill(page, WIDGET_KEYS);
  const doc = await check(page, DOC_URL, "match");
  assert.match(doc.verdict, /The signature matches\./);
  assert.equal(await page.textContent("#detected"), "widget URL");
  assert.equal(await page.textContent("#expected-value"), DOC_URL);

  const signedL = hmac("qsdfghjklm", "azertyuiopmyaccountnameevent123lfrreturnurlhttp://www.ticketmatic.comskinid25");
  const wrong = await check(page, DOC_URL.replace(/signature=.*/, `signature=${signedL}`), "mismatch");
  assert.deepEqual(wrong.causes, ["signed-l"]);
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: `${shots}debugger-widget-mismatch.png`, fullPage: true });
  await page.close();
});

test("return URLs: one byte changed is a mismatch, highlighted where the signatures part", async () => {
  const page = await open(`${origin}/debugger/index.html`);
  await fill(page, RETURN_KEYS);
  await check(page, RETURN_URL, "match");
  const changed = await check(page, RETURN_URL.replace("2715", "2716"), "mismatch");
  const given = "313e4ce1ea0da73a2cf4b83d72f43c4ae832f3f0d66b6047d9892cef6f6f5658";
  const expected = hmac(RETURN_KEYS["#secret-key"], "142dda885ec6024f934a40c1cluborderid2716statusok");
  let at = 0;
  while (given[at] === expected[at]) at++;
  assert.equal(changed.before, at);
  assert.deepEqual(changed.marked, [given[at]]);
  assert.deepEqual(changed.causes, ["changed"]);
  assert.equal(await page.textContent("#expected-signature"), expected);
  assert.equal(await page.textContent("#detected"), "return URL");
  await page.screenshot({ path: `${shots}debugger-return-url.png`, fullPage: true });
  await page.close();
});

test("the builder makes the documented URL from its table", async () => {
  const page = await open(`${origin}/debugger/index.html`);
  await fill(page, WIDGET_KEYS);
  await page.click("#tab-build");
  // Starts with event, l, returnurl: set the value, then add skinid.
  await page.fill("#param-rows tr:nth-child(3) .param-value", "http://www.ticketmatic.com");
  await page.click("#add-param");
  await page.fill("#param-rows tr:nth-child(4) .param-name", "skinid");
  await page.fill("#param-rows tr:nth-child(4) .param-value", "25");
  assert.equal(await page.textContent("#built-url"), DOC_URL);
  await page.click("#param-rows tr:nth-child(2) button[title='Remove']");
  assert.doesNotMatch(await page.textContent("#built-url"), /l=fr/);
  await page.fill("#param-rows tr:nth-child(1) .param-name", "skinid");
  assert.match(await page.textContent("#build-error"), /its name appears more than once/);
  await page.screenshot({ path: `${shots}debugger-builder.png`, fullPage: true });
  await page.close();
});

test("the standalone page works from file:// with no request at all", async () => {
  const url = pathToFileURL(`${js}debugger/standalone.html`).href;
  const before = requests.length;
  const page = await open(url);
  await fill(page, WIDGET_KEYS);
  await check(page, DOC_URL, "match");
  assert.deepEqual(requests.slice(before), [url]);
  await page.close();
});

test("no request left the page's own files, and nothing failed in the console", () => {
  assert.ok(requests.length > 0);
  for (const url of requests) {
    if (url.startsWith("file:")) continue;
    assert.ok(url.startsWith(`${origin}/`) && PAGE_FILES.includes(url.slice(origin.length + 1)), url);
  }
  assert.deepEqual(problems, []);
});
