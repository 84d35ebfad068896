// The JavaScript API around the vectors: argument forms, error paths, limits.
// Expected values are written out here or computed with node:crypto, never
// taken from the package.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";

import { DEFAULT_BASE_URL, init, initSync, Signer, TicketmaticSignError } from "../src/node.js";
import { module, OP } from "../src/wasm.js";

await init();

const DOC = { accessKey: "azertyuiop", secretKey: "qsdfghjklm", account: "myaccountname" };
const DOC_PARAMS = [
  ["event", "123"],
  ["l", "fr"],
  ["returnurl", "http://www.ticketmatic.com"],
  ["skinid", "25"],
];
// Ticketmatic's widget documentation.
const DOC_SIGNATURE = "0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8";
const hmac = (key, text) => createHmac("sha256", key).update(text, "utf8").digest("hex");

/** Asserts that `f` throws a TicketmaticSignError with these properties. */
function refuses(f, expected) {
  assert.throws(f, (error) => {
    assert.ok(error instanceof TicketmaticSignError, `${error}`);
    assert.ok(error instanceof Error);
    assert.equal(error.name, "TicketmaticSignError");
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(error[key], value, key);
    return true;
  });
}

test("the package name resolves to the Node entry (exports conditions)", async () => {
  const byName = await import("ticketmatic-sign");
  assert.equal(byName.Signer, Signer);
  assert.equal(byName.init, init);
});

test("init and initSync can be called again", async () => {
  await init();
  initSync();
  assert.equal(new Signer(DOC).widgetSignature(DOC_PARAMS), DOC_SIGNATURE);
});

test("params as pairs, object, Map or URLSearchParams sign alike; numbers print", () => {
  const signer = new Signer(DOC);
  const forms = [
    DOC_PARAMS,
    { skinid: 25, event: "123", returnurl: "http://www.ticketmatic.com", l: "fr" },
    new Map(DOC_PARAMS),
    new URLSearchParams(DOC_PARAMS),
  ];
  for (const params of forms) assert.equal(signer.widgetSignature(params), DOC_SIGNATURE);
  assert.equal(signer.widgetSignature([]), hmac("qsdfghjklm", "azertyuiopmyaccountname"));
});

test("a widget URL keeps the caller's order and encodes per RFC 3986", () => {
  const signer = new Signer({ ...DOC, baseUrl: "http://127.0.0.1:8080/" });
  assert.equal(signer.baseUrl, "http://127.0.0.1:8080");
  assert.equal(new Signer(DOC).baseUrl, DEFAULT_BASE_URL);
  const params = [["z", "a b+c"], ["a", "é/~"]];
  const signature = hmac("qsdfghjklm", "azertyuiopmyaccountnameaé/~za b+c");
  assert.equal(
    signer.widgetUrl("addtickets", params),
    `http://127.0.0.1:8080/widgets/myaccountname/addtickets?z=a%20b%2Bc&a=%C3%A9%2F~&accesskey=azertyuiop&signature=${signature}`,
  );
});

test("times: seconds (fractions dropped), bigint, Date, text, and now", () => {
  const signer = new Signer({ accessKey: "xyz", secretKey: "xyz", account: "ticketmatic" });
  // The SPEC's example header.
  const header =
    "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590";
  for (const time of [1501346446, 1501346446.999, 1501346446n, new Date("2017-07-29T16:40:46.5Z"), "2017-07-29T16:40:46"]) {
    assert.equal(signer.authorization(time), header, String(time));
  }
  assert.equal(signer.explainHeader(0), "xyzticketmatic1970-01-01T00:00:00");
  const before = new Date().toISOString().slice(0, 19);
  const now = signer.authorization().split(" ")[2].slice(3);
  const after = new Date().toISOString().slice(0, 19);
  assert.ok(before <= now && now <= after, `${before} <= ${now} <= ${after}`);
});

test("a secret given as bytes is used as they are, UTF-8 or not", () => {
  const secret = Uint8Array.from([0xff, 0x00, 0x80, 0x41]);
  const signer = new Signer({ accessKey: "key", secretKey: secret, account: "club" });
  assert.equal(signer.widgetSignature({ a: "1" }), hmac(Buffer.from(secret), "keyclub" + "a1"));
  secret[0] = 0; // the Signer kept its own copy
  assert.equal(signer.widgetSignature({ a: "1" }), hmac(Buffer.from([0xff, 0x00, 0x80, 0x41]), "keyclub" + "a1"));
});

test("return URLs: a full URL or a query; every verdict", () => {
  const signer = new Signer({
    accessKey: "142dda885ec6024f934a40c1",
    secretKey: "abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784",
    account: "club",
  });
  const query =
    "orderid=2715&status=ok&accesskey=142dda885ec6024f934a40c1&signature=313e4ce1ea0da73a2cf4b83d72f43c4ae832f3f0d66b6047d9892cef6f6f5658";
  // The verified parameters, decoded as the crate verified them (SPEC 3).
  const verified = {
    valid: true,
    params: [
      { name: "orderid", value: "2715", signed: true },
      { name: "status", value: "ok", signed: true },
    ],
  };
  assert.deepEqual(signer.verifyReturnUrl(query), verified);
  assert.deepEqual(signer.verifyReturnUrl(`https://shop.example/done?${query}#top`), verified);
  assert.deepEqual(signer.verifyReturnUrl(new URL(`https://shop.example/done?${query}`)), verified);
  assert.equal(signer.explainReturnUrl(query), "142dda885ec6024f934a40c1cluborderid2715statusok");
  assert.deepEqual(signer.verifyReturnUrl(query.replace("2715", "2716")), {
    valid: false,
    kind: "invalid",
    reason: "signature_mismatch",
    field: "signature",
    message: "signature does not match what it signs",
  });
  assert.deepEqual(signer.verifyReturnUrl("https://shop.example/done"), {
    valid: false,
    kind: "malformed",
    reason: "no_query",
    field: "return_url",
    message: "return URL: a URL with no query ('?...'): nothing to verify",
  });
  assert.equal(signer.verifyReturnUrl("orderid=2715").reason, "bad_access_key");
  assert.equal(signer.verifyReturnUrl(query.replace(/&signature=.*/, "")).reason, "signature_missing");
  assert.deepEqual(signer.verifyReturnUrl(`${query}&x=%zz`), {
    valid: false,
    kind: "malformed",
    reason: "bad_escape",
    field: "return_url",
    message: `query: '%' at byte ${query.length + 3} is not followed by two hex digits`,
    position: query.length + 3,
  });
  refuses(() => signer.explainReturnUrl("a=1&a=2"), {
    field: "return_url",
    reason: "duplicate_name",
    position: 4,
    message: "query parameter at byte 4: its name appears more than once",
  });
});

test("the signer's inputs are checked when it is made", () => {
  refuses(() => new Signer({ ...DOC, accessKey: "abc\r\nX-Evil: 1" }), {
    field: "access_key",
    reason: "invalid_byte",
    position: 3,
    message: "access key: byte 3 (0x0d) is not allowed: use visible ASCII without spaces",
  });
  refuses(() => new Signer({ ...DOC, secretKey: "" }), { field: "secret_key", reason: "empty", message: "secret key: empty" });
  refuses(() => new Signer({ ...DOC, secretKey: new Uint8Array(0) }), { field: "secret_key", reason: "empty" });
  refuses(() => new Signer({ ...DOC, accessKey: "k".repeat(65) }), {
    field: "access_key",
    reason: "too_long",
    message: "access key: 65 bytes long, at most 64 are allowed",
  });
  refuses(() => new Signer({ ...DOC, account: ".." }), {
    field: "account",
    reason: "dot_segment",
    message: "account name: '.' and '..' are not allowed",
  });
  refuses(() => new Signer({ ...DOC, account: "my/account" }), {
    field: "account",
    reason: "invalid_byte",
    message:
      "account name: byte 2 (0x2f) is not allowed: only the unreserved characters A-Z a-z 0-9 - . _ ~ are allowed",
  });
  refuses(() => new Signer({ ...DOC, baseUrl: "https://x/?a" }), { field: "base_url", reason: "invalid_byte", position: 10 });
  // SPEC 7: refused, never rewritten.
  refuses(() => new Signer({ ...DOC, baseUrl: "javascript:alert(1)" }), { field: "base_url", reason: "unsupported_scheme" });
  refuses(() => new Signer({ ...DOC, baseUrl: "https://me:pw@x.com" }), { field: "base_url", reason: "user_info", position: 13 });
  refuses(() => new Signer({ ...DOC, baseUrl: "http://x\r\n.com" }), { field: "base_url", reason: "invalid_byte", position: 8 });
  refuses(() => new Signer({ ...DOC, accessKey: 42 }), {
    field: "access_key",
    reason: "invalid_type",
    message: "access_key: expected a string, got number",
  });
  refuses(() => new Signer(), { field: "options", reason: "invalid_type" });
});

test("widget parameters and names are checked", () => {
  const signer = new Signer(DOC);
  refuses(() => signer.widgetSignature([["a", "1"], ["b", "2"], ["a", "3"]]), {
    field: "params",
    reason: "duplicate_name",
    message: "widget parameter 2 (0-based): its name appears more than once",
  });
  refuses(() => signer.widgetUrl("x", { signature: "s" }), { field: "params", reason: "reserved_name", position: 0 });
  refuses(() => signer.widgetUrl("../admin", {}), { field: "widget", reason: "invalid_byte" });
  refuses(() => signer.widgetSignature([["a", { no: 1 }]]), {
    field: "params",
    reason: "invalid_type",
    position: 0,
    message: "params[0]: expected a string, got object",
  });
  refuses(() => signer.widgetSignature([["a"]]), { field: "params", reason: "invalid_type", position: 0 });
  refuses(() => signer.widgetSignature("event=1"), { field: "params", reason: "invalid_type" });
  refuses(() => signer.widgetSignature([["a", "\uD800"]]), { field: "params", reason: "invalid_utf16", position: 0 });
  refuses(() => new Signer({ ...DOC, account: "" }).widgetSignature({}), {
    field: "account",
    reason: "empty",
    message: "account name: empty, but a widget URL needs it as a path segment",
  });
});

test("timestamps out of range or malformed are refused", () => {
  const signer = new Signer(DOC);
  const range = "timestamp: outside 1970-01-01T00:00:00 to 9999-12-31T23:59:59";
  for (const time of [-1, 253402300800, 2n ** 70n, -(2n ** 63n)]) {
    refuses(() => signer.authorization(time), { field: "timestamp", reason: "time_out_of_range", message: range });
  }
  assert.match(signer.authorization(253402300799), / ts=9999-12-31T23:59:59 /);
  refuses(() => signer.authorization("2017-02-30T00:00:00"), { reason: "invalid_date" });
  refuses(() => signer.authorization("2017-07-29 16:40:46"), {
    reason: "timestamp_syntax",
    message: "timestamp: not of the form YYYY-MM-DDTHH:MM:SS",
  });
  refuses(() => signer.authorization(NaN), { field: "timestamp", reason: "invalid_type" });
  // SPEC 7: a trailing Z says UTC, as the bare form does.
  assert.equal(signer.authorization("2017-07-29T16:40:46Z"), signer.authorization(1501346446));
  refuses(() => signer.authorization(new Date("nonsense")), { field: "timestamp", reason: "invalid_type" });
});

test("inputs larger than the module's input area are refused, not cut", () => {
  const signer = new Signer(DOC);
  refuses(() => signer.widgetSignature({ a: "x".repeat(16 * 1024) }), { field: "input", reason: "too_large" });
  // Fits going in, but the URL (every byte encoded as %XX) does not fit coming out.
  const url = `${DEFAULT_BASE_URL}/widgets/myaccountname/w?a=${"%2F".repeat(6000)}&accesskey=azertyuiop&signature=${"0".repeat(64)}`;
  refuses(() => signer.widgetUrl("w", { a: "/".repeat(6000) }), {
    field: "output",
    reason: "buffer_too_small",
    message: `output buffer too small: ${url.length} bytes needed`,
  });
  // The largest input that fits still signs: a call's inputs are the bytes
  // of its texts (name, value); one byte more does not fit.
  const value = "v".repeat(16 * 1024 - "a".length);
  assert.equal(signer.widgetSignature({ a: value }), hmac("qsdfghjklm", `azertyuiopmyaccountnamea${value}`));
  refuses(() => signer.widgetSignature({ a: `${value}v` }), { field: "input", reason: "too_large" });
  refuses(() => signer.widgetSignature({ a: `${value.slice(1)}é` }), { field: "input", reason: "too_large" });
});

test("more texts than the module's table of lengths holds are refused", () => {
  const signer = new Signer(DOC);
  const most = module().maxTexts / 2; // a name and a value each
  const params = Array.from({ length: most }, (_, i) => [`p${i}`, ""]);
  const canonical = params.map(([name]) => name).sort().join("");
  assert.equal(signer.widgetSignature(params), hmac("qsdfghjklm", `azertyuiopmyaccountname${canonical}`));
  refuses(() => signer.widgetSignature([...params, ["x", ""]]), {
    field: "input",
    reason: "too_large",
    message: `inputs: more than the ${2 * most} texts the module takes in one call`,
  });
  refuses(() => signer.widgetUrl("w", params), { field: "input", reason: "too_large" });
});

test("texts are written exactly, short or long, ASCII or not", () => {
  // Short ASCII texts are written by a loop, the rest by encodeInto; a
  // short text found not to be ASCII is written again. Each position, each
  // kind of text, and lengths on both sides of the loop's limit are tried.
  const texts = ["é", "ü/€", "😀", "a\u0000b", "x".repeat(63), "x".repeat(64), `${"x".repeat(63)}é`, "é".repeat(65)];
  for (const odd of texts) {
    for (let at = 0; at < 4; at++) {
      const params = [["p0", "v0"], ["p1", "v1"], ["p2", "v2"], ["p3", "v3"]];
      params[at] = [`p${at}`, `${odd}v${at}`];
      const canonical = params.map(([n, v]) => n + v).join("");
      const signer = new Signer(DOC);
      assert.equal(signer.widgetSignature(params), hmac("qsdfghjklm", `azertyuiopmyaccountname${canonical}`), `${odd} at ${at}`);
    }
    const secret = `s${odd}`;
    const signer = new Signer({ ...DOC, secretKey: secret });
    assert.equal(signer.explainHeader(0), "azertyuiopmyaccountname1970-01-01T00:00:00");
    assert.equal(signer.widgetSignature([["a", odd]]), hmac(secret, `azertyuiopmyaccountnamea${odd}`));
  }
  const lone = [["p0", "v0"], ["p1", "v1"], ["p2", "\ud800"], ["p3", "v3"]];
  refuses(() => new Signer(DOC).widgetSignature(lone), { field: "params", reason: "invalid_utf16", position: 2 });
  refuses(() => new Signer(DOC).widgetUrl("é", [["a", "\udc00"]]), { field: "params", reason: "invalid_utf16", position: 0 });
});

test("the module refuses a call that claims more input than its area holds", () => {
  // The calling convention itself (wasm/src/lib.rs): a length beyond the
  // input area is a bad call (-2), not a call on the whole area.
  const m = module();
  m.begin();
  for (const [text, field] of [["s", "secret_key"], ["k", "access_key"], ["a", "account"], [DEFAULT_BASE_URL, "base_url"]]) {
    m.string(text, field);
  }
  const slot = m.newSigner(false);
  try {
    assert.equal(m.exports.run(slot, OP.BASE_URL, 0, 0, 0), DEFAULT_BASE_URL.length);
    assert.equal(m.exports.run(slot, OP.BASE_URL, 0, 0, m.capacity), DEFAULT_BASE_URL.length);
    assert.equal(m.exports.run(slot, OP.BASE_URL, 0, 0, m.capacity + 1), -2);
  } finally {
    m.exports.signer_free(slot);
  }
});

test("a signer is frozen", () => {
  const signer = new Signer(DOC);
  assert.throws(() => {
    "use strict";
    signer.accessKey = "other";
  }, TypeError);
});

test("free() gives the signer's place back; a freed signer refuses to sign", () => {
  const signer = new Signer(DOC);
  assert.equal(signer.widgetSignature(DOC_PARAMS), DOC_SIGNATURE);
  signer.free();
  signer.free(); // again: nothing
  refuses(() => signer.widgetSignature(DOC_PARAMS), { field: "options", reason: "freed" });
  if (typeof Symbol.dispose === "symbol") {
    const disposed = new Signer(DOC);
    disposed[Symbol.dispose]();
    refuses(() => disposed.authorization(0), { reason: "freed" });
  }
});

test("signers beyond the module's 64 places sign the same, each with its own key", () => {
  // Held, so that the garbage collector frees none of them during the test.
  const signers = [];
  for (let i = 0; i < 100; i++) {
    signers.push(new Signer({ accessKey: `key${i}`, secretKey: `secret${i}`, account: "club" }));
  }
  const expected = (i, name) => hmac(`secret${i}`, `key${i}club${name}1`);
  // Calls of signers with and without places of their own, interleaved: a
  // signer without one is keyed for each call, and must never sign with
  // another's key.
  for (let round = 0; round < 2; round++) {
    for (const i of [99, 0, 98, 63, 64, 65, 1, 99]) {
      assert.equal(signers[i].widgetSignature({ [`n${round}`]: "1" }), expected(i, `n${round}`), `signer ${i}`);
    }
  }
  // Places given back are taken by the signers that lacked one.
  for (const signer of signers.slice(0, 50)) signer.free();
  for (let i = 50; i < 100; i++) {
    assert.equal(signers[i].widgetSignature({ m: "1" }), expected(i, "m"), `signer ${i}`);
  }
  // A signer made while every place is taken checks its inputs all the same.
  const more = [];
  for (let i = 0; i < 20; i++) more.push(new Signer(DOC));
  refuses(() => new Signer({ ...DOC, accessKey: "two words" }), { field: "access_key", reason: "invalid_byte" });
  for (const signer of [...signers, ...more]) signer.free();
});
