#!/usr/bin/env node
// A tm-conformance/1 adapter: Ticketmatic request signing with Node's
// standard library (node:crypto, node:readline), written from SPEC.md alone.
//
//     tm conformance run -- node conformance/adapters/node/adapter.mjs
//
// To test your own implementation, copy this file and replace the bodies of
// authorization(), widget() and returnUrl() with calls into your code. Throw
// a Refused where your implementation rejects the inputs; any other
// exception crashes the adapter, and the runner reports the crash.
//
// TM_ADAPTER_DEFECT=<name> switches on a mistake real clients have made, to
// see the runner catch it: numeric-sort, sign-l, encode-values, hour-off,
// upper-case-signature, plus-in-url.

import { createHmac, timingSafeEqual } from "node:crypto";
import { createInterface } from "node:readline";

const DEFECT = process.env.TM_ADAPTER_DEFECT ?? "";
const BASE_URL = "https://apps.ticketmatic.com";
const UNSIGNED = DEFECT === "sign-l" ? ["ordercode"] : ["l", "ordercode"];
const LAST_SECOND = 253402300799; // 9999-12-31T23:59:59

class Refused extends Error {}

const sign = (secret, message) =>
  createHmac("sha256", Buffer.from(secret, "utf8")).update(message, "utf8").digest("hex");

// RFC 3986: encodeURIComponent leaves !'()* as they are; encode those too.
function encode(text) {
  const strict = encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
  return DEFECT === "plus-in-url" ? strict.replace(/%20/g, "+") : strict;
}

function checkKeys(accessKey, secretKey) {
  if (accessKey === "" || /[\r\n ]/.test(accessKey)) {
    throw new Refused("access key: empty, or holds a CR, LF or space");
  }
  if (secretKey === "") throw new Refused("secret key: empty");
}

function checkSegment(what, text) {
  if (!/^[A-Za-z0-9\-._~]+$/.test(text) || text === "." || text === "..") {
    throw new Refused(`${what}: not a plain path segment`);
  }
}

function timestamp(c) {
  if (c.unix_time === undefined) {
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(c.timestamp)) {
      throw new Refused("timestamp: not YYYY-MM-DDTHH:MM:SS");
    }
    return c.timestamp;
  }
  const secs = c.unix_time + (DEFECT === "hour-off" ? 3600 : 0);
  if (secs < 0 || secs > LAST_SECOND) throw new Refused("unix_time: outside 1970 to 9999");
  return new Date(secs * 1000).toISOString().slice(0, 19);
}

// Byte-wise order of the names' UTF-8 (JavaScript's < compares UTF-16).
const byUtf8 = (a, b) => Buffer.compare(Buffer.from(a[0], "utf8"), Buffer.from(b[0], "utf8"));

// PHP turns numeric names into integers before ksort (the defect).
function phpKsort(a, b) {
  const numeric = /^\d+$/;
  if (numeric.test(a[0]) && numeric.test(b[0])) return Number(a[0]) - Number(b[0]);
  return byUtf8(a, b);
}

function canonical(params) {
  const signed = params.filter(([name]) => !UNSIGNED.includes(name));
  signed.sort(DEFECT === "numeric-sort" ? phpKsort : byUtf8);
  const value = DEFECT === "encode-values" ? encode : (v) => v;
  return signed.map(([n, v]) => n + value(v)).join("");
}

function authorization(c) {
  checkKeys(c.access_key, c.secret_key);
  const ts = timestamp(c);
  const payload = c.access_key + c.account + ts;
  const header = `TM-HMAC-SHA256 key=${c.access_key} ts=${ts} sign=${sign(c.secret_key, payload)}`;
  return { timestamp: ts, header, payload };
}

function widget(c) {
  checkKeys(c.access_key, c.secret_key);
  checkSegment("account", c.account);
  checkSegment("widget", c.widget);
  const names = c.params.map(([name]) => name);
  if (new Set(names).size !== names.length) throw new Refused("params: a name appears more than once");
  if (names.includes("accesskey") || names.includes("signature")) {
    throw new Refused("params: accesskey and signature are added by the signer");
  }
  const payload = c.access_key + c.account + canonical(c.params);
  const signature = sign(c.secret_key, payload);
  const query = c.params.map(([n, v]) => `${encode(n)}=${encode(v)}&`).join("");
  const url =
    `${BASE_URL}/widgets/${c.account}/${c.widget}?${query}` +
    `accesskey=${encode(c.access_key)}&signature=${signature}`;
  return { signature, url, payload };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

// '+' is a space, %XX a byte in either hex case; the bytes must be UTF-8.
function formDecode(text) {
  const raw = Buffer.from(text, "utf8");
  const out = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x25) {
      const hex = raw.subarray(i + 1, i + 3).toString("latin1");
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new Refused(`query: '%' in ${JSON.stringify(text)} is not followed by two hex digits`);
      }
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(raw[i] === 0x2b ? 0x20 : raw[i]);
    }
  }
  try {
    return utf8.decode(Uint8Array.from(out));
  } catch {
    throw new Refused(`query: ${JSON.stringify(text)} does not decode to UTF-8`);
  }
}

function returnUrl(c) {
  checkKeys(c.access_key, c.secret_key);
  checkSegment("account", c.account);
  const params = new Map();
  for (const pair of c.query.split("&")) {
    if (pair === "") continue;
    const at = pair.indexOf("=");
    const name = formDecode(at < 0 ? pair : pair.slice(0, at));
    const value = formDecode(at < 0 ? "" : pair.slice(at + 1));
    if (params.has(name)) throw new Refused(`query: ${JSON.stringify(name)} appears more than once`);
    params.set(name, value);
  }
  const givenKey = params.get("accesskey");
  let givenSignature = params.get("signature");
  params.delete("accesskey");
  params.delete("signature");
  const payload = c.access_key + c.account + canonical([...params]);
  if (givenKey !== c.access_key) return { valid: false, error_kind: "bad_access_key", payload };
  if (givenSignature === undefined) return { valid: false, error_kind: "signature_missing", payload };
  if (DEFECT === "upper-case-signature") givenSignature = givenSignature.toLowerCase();
  const expected = Buffer.from(sign(c.secret_key, payload));
  const given = Buffer.from(givenSignature, "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { valid: false, error_kind: "signature_mismatch", payload };
  }
  return { valid: true, payload };
}

const KINDS = { authorization, widget, return_url: returnUrl };

function answer(message) {
  if (message.cmd === "start") {
    return {
      implementation: { name: "node-stdlib-adapter", language: "JavaScript", version: process.version },
      kinds: Object.keys(KINDS),
    };
  }
  try {
    return { seq: message.seq, output: transportable(KINDS[message.case.kind](message.case)) };
  } catch (e) {
    if (e instanceof Refused) return { seq: message.seq, refused: e.message };
    throw e;
  }
}

/** A payload that is not well-formed Unicode (no UTF-8) travels as payload_hex (PROTOCOL.md). */
function transportable(output) {
  if (typeof output.payload === "string" && !output.payload.isWellFormed()) {
    const { payload, ...rest } = output;
    return { ...rest, payload_hex: Buffer.from(payload, "utf8").toString("hex") };
  }
  return output;
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  const message = JSON.parse(line);
  if (message.cmd === "stop") break;
  if (message.cmd === "start" && message.protocol !== "tm-conformance/1") {
    console.error(`adapter: speaks tm-conformance/1, not ${message.protocol}`);
    process.exit(2);
  }
  if (!["start", "run"].includes(message.cmd)) {
    console.error(`adapter: unknown command ${JSON.stringify(message.cmd)}`);
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(answer(message)) + "\n");
}
lines.close();
