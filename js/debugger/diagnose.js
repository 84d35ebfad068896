// What the debugger concludes about a header or URL: the signed text and the
// signature it should carry (both from the package, that is the Rust crate),
// whether the given signature matches, and the likely causes when it does
// not. Causes are found by testing the usual mistakes against the data: each
// one rebuilds the text a faulty client would have signed and checks whether
// its HMAC (WebCrypto, given as `hmacHex`) is the signature given.

import { queryPairs, rawPairs } from "./recognise.js";

/** The SPEC (section 1): the server refuses timestamps more than 30 minutes from its clock. */
export const CLOCK_WINDOW_SECS = 30 * 60;
const UNSIGNED = ["l", "ordercode"];

/** Index of the first character where `given` differs from `expected`; -1 if equal. */
export function firstDifference(given, expected) {
  const n = Math.min(given.length, expected.length);
  for (let i = 0; i < n; i++) if (given[i] !== expected[i]) return i;
  return given.length === expected.length ? -1 : n;
}

/**
 * Diagnoses `input` (from recognise()). `options`: `Signer` (the package's
 * class), `credentials` ({accessKey, secretKey, account}: they must make a
 * Signer), `now` (ms, this computer's clock), `hmacHex(text)` (async
 * HMAC-SHA256 with the secret key, hex).
 */
export async function diagnose(input, options) {
  const signer = new options.Signer(options.credentials);
  switch (input.kind) {
    case "header":
      return diagnoseHeader(signer, input, options);
    case "widget":
      return diagnoseWidget(signer, input, options);
    case "return":
      return diagnoseReturn(signer, input);
    default:
      return null;
  }
}

function refused(kind, message, extra = {}) {
  return { kind, verdict: "refused", message, causes: [], ...extra };
}

function compare(given, expected) {
  return given === expected ? { verdict: "match", difference: -1 } : { verdict: "mismatch", difference: firstDifference(given, expected) };
}

/**
 * Tries each hypothesis `[id, text, explanation]` in turn; returns the causes
 * whose text signs to `given`. Where two mistakes sign the same text, only
 * the first (the more specific) is named.
 */
async function matching(hmacHex, given, hypotheses) {
  const found = [];
  const tried = new Set();
  for (const [id, text, explanation] of hypotheses) {
    if (text === null || tried.has(text)) continue;
    tried.add(text);
    if ((await hmacHex(text)) === given) found.push({ id, text: explanation });
  }
  return found;
}

function duration(secs) {
  const abs = Math.abs(Math.round(secs));
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${abs % 60} s`;
  return `${abs} s`;
}

async function diagnoseHeader(signer, input, { now, hmacHex }) {
  const kind = "header";
  if (input.malformed !== undefined) {
    return refused(kind, `Not a TM-HMAC-SHA256 header: it departs from the form at character ${input.malformed + 1}.`, {
      given: input.text,
      difference: input.malformed,
      causes: [{ id: "header-form", text: "The value must be exactly: TM-HMAC-SHA256 key=<access key> ts=<YYYY-MM-DDTHH:MM:SS> sign=<64 lower-case hex>, one space between parts." }],
    });
  }
  const formCause = { id: "timestamp-form", text: "Timestamps are UTC, written YYYY-MM-DDTHH:MM:SS: no time zone, no 'Z', no fractions of a second." };
  // Timestamp text elsewhere may end in 'Z' (SPEC 7), but the header's
  // grammar has none (SPEC 1): the server refuses it.
  if (input.ts.endsWith("Z")) {
    return refused(kind, "timestamp: a header's ts is YYYY-MM-DDTHH:MM:SS, without 'Z'", { causes: [formCause] });
  }
  let signedText, expectedHeader;
  try {
    signedText = signer.explainHeader(input.ts);
    expectedHeader = signer.authorization(input.ts);
  } catch (error) {
    const causes = [];
    if (/[.+]|\d -|^\d{4}-\d\d-\d\d \d/.test(input.ts)) causes.push(formCause);
    return refused(kind, error.message, { causes });
  }
  const expected = expectedHeader.slice(expectedHeader.lastIndexOf("=") + 1);
  const result = { kind, signedText, expected, given: input.sign, expectedValue: expectedHeader, ...compare(input.sign, expected) };
  const causes = [];
  if (input.key !== signer.accessKey) {
    causes.push({ id: "wrong-key", text: `The header's key is '${input.key}', not the access key entered above ('${signer.accessKey}'): the server looks up the secret by the header's key.` });
  }
  const skew = Date.parse(`${input.ts}Z`) / 1000 - now / 1000;
  if (skew < -CLOCK_WINDOW_SECS) {
    causes.push({ id: "clock-past", text: `The timestamp is ${duration(skew)} behind this computer's clock; Ticketmatic refuses requests more than 30 minutes away. Compute the timestamp when the request is sent, in UTC.` });
  } else if (skew > CLOCK_WINDOW_SECS) {
    causes.push({ id: "clock-future", text: `The timestamp is ${duration(skew)} ahead of this computer's clock; Ticketmatic refuses requests more than 30 minutes away. Check the client's clock.` });
  }
  // A time zone's worth: a whole number of half hours (within two minutes),
  // no more than the 14 hours time zones span.
  const offHalfHours = Math.abs(skew) / 1800;
  const zoneLike = Math.abs(skew) >= 1800 - 120 && Math.abs(skew) <= 14 * 3600 + 120;
  if (zoneLike && Math.abs(offHalfHours - Math.round(offHalfHours)) * 1800 <= 120) {
    causes.push({ id: "local-time", text: `The timestamp is about ${duration(Math.round(offHalfHours) * 1800)} off, a time zone's worth: it looks like local time. Timestamps are UTC.` });
  }
  if (result.verdict === "mismatch") {
    const given = input.sign;
    if (given.toLowerCase() === expected) {
      causes.push({ id: "upper-case-hex", text: "The signature is right but in upper-case hex; Ticketmatic expects lower case." });
    } else {
      causes.push(
        ...(await matching(hmacHex, given.toLowerCase(), [
          ["account-not-signed", signer.accessKey + input.ts, "The client signed the access key and timestamp without the account name; the signed text is access key, account name, timestamp."],
          ["key-of-header", input.key + signer.account + input.ts, "The client signed with the header's key, which is not the access key entered above."],
        ])),
      );
      if (!causes.some((c) => c.id !== "clock-past" && c.id !== "clock-future" && c.id !== "local-time")) {
        causes.push({ id: "secret-or-account", text: "None of the usual mistakes explains it: check the secret key, and that the account name is the one in the request's URL (/api/1/{account}/…). The header does not carry the account, but it is signed." });
      }
    }
  }
  result.causes = causes;
  return result;
}

/** The text a client signs for these decoded pairs, by the given rules. */
function payload(signer, pairs, { skip = UNSIGNED, order = "bytes", value = (v) => v } = {}) {
  const kept = pairs.filter(([name]) => !skip.includes(name));
  if (order === "bytes") kept.sort(([a], [b]) => byteOrder(a, b));
  if (order === "numeric") kept.sort(([a], [b]) => (/^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : byteOrder(a, b)));
  return signer.accessKey + signer.account + kept.map(([n, v]) => n + value(v)).join("");
}

const utf8Encoder = new TextEncoder();
function byteOrder(a, b) {
  const x = utf8Encoder.encode(a);
  const y = utf8Encoder.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

async function diagnoseWidget(signer, input, { hmacHex, Signer, credentials }) {
  const kind = "widget";
  const pairs = queryPairs(input.query);
  const given = pairs.findLast(([name]) => name === "signature")?.[1];
  const accessKey = pairs.find(([name]) => name === "accesskey")?.[1];
  const params = pairs.filter(([name]) => name !== "signature" && name !== "accesskey");
  let signedText, expected, expectedUrl;
  try {
    signedText = signer.explainWidget(params);
    expected = signer.widgetSignature(params);
    // The URL as it should be, on the host the given one points at.
    const baseUrl = /^https?:\/\/[^/?#]+/i.exec(input.url)?.[0];
    expectedUrl = new Signer({ ...credentials, baseUrl }).widgetUrl(input.widget, params);
  } catch (error) {
    return refused(kind, error.message);
  }
  const causes = [];
  if (accessKey !== undefined && accessKey !== signer.accessKey) {
    causes.push({ id: "access-key", text: `The URL's accesskey is '${accessKey}', not the access key entered above. Widgets have their own key pair, separate from the API's.` });
  }
  const urlAccount = input.account !== signer.account;
  if (given === undefined) {
    causes.push({ id: "signature-missing", text: "The URL has no signature parameter." });
    return { kind, verdict: "mismatch", signedText, expected, given: "", difference: 0, expectedValue: expectedUrl, causes };
  }
  const result = { kind, signedText, expected, given, expectedValue: expectedUrl, ...compare(given, expected) };
  if (result.verdict === "mismatch" && given.toLowerCase() === expected) {
    causes.push({ id: "upper-case-hex", text: "The signature is right but in upper-case hex; Ticketmatic expects lower case." });
  } else if (result.verdict === "mismatch") {
    const raw = rawPairs(input.query).filter(([name]) => name !== "signature" && name !== "accesskey");
    const literalPlus = raw.some(([n, v]) => (n + v).includes("+")) ? raw.map(([n, v]) => [decodeStrict(n), decodeStrict(v)]) : [];
    const plusReadable = literalPlus.length > 0 && !literalPlus.flat().includes(null);
    const found = await matching(hmacHex, given.toLowerCase(), [
      ["url-account", urlAccount ? payload({ accessKey: signer.accessKey, account: input.account }, params) : null, `The signature is right for the URL's account '${input.account}': enter that account above (the server uses the URL's).`],
      ["signed-unsorted", payload(signer, params, { order: "given" }), "The client signed the parameters in the URL's order; they must be sorted by name (byte-wise)."],
      ["signed-l", payload(signer, params, { skip: ["ordercode"] }), "The client signed the 'l' (language) parameter, which is not signed."],
      ["signed-ordercode", payload(signer, params, { skip: ["l"] }), "The client signed 'ordercode', which is not signed."],
      ["plus-vs-space", plusReadable ? payload(signer, literalPlus) : null, "A '+' in the URL is read as a space, but the client signed a plus sign: write a plus as %2B and a space as %20."],
      ["signed-encoded", payload(signer, raw), "The client signed the values URL-encoded; values are signed raw, before encoding."],
      ["numeric-sort", payload(signer, params, { order: "numeric" }), "The client sorted numeric names as numbers (PHP's ksort); names sort byte-wise, as text."],
      ["ref-unsigned", payload(signer, params, { skip: [...UNSIGNED, "ref"] }), "The client left 'ref' out of the signature (tm-php did from March 2023 to March 2024); 'ref' is signed."],
    ]);
    causes.push(...found);
    if (urlAccount && found.length === 0) {
      causes.push({ id: "url-account", text: `The URL's account is '${input.account}', but the account entered above is '${signer.account}'.` });
    }
    if (causes.length === 0) {
      causes.push({ id: "secret-or-changed", text: "None of the usual mistakes explains it: check the secret key (widgets have their own key pair), or the URL was changed after it was signed." });
    }
  }
  result.causes = causes;
  return result;
}

/** `decodeURIComponent`, which keeps '+' a plus; null for text it cannot decode. */
function decodeStrict(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

async function diagnoseReturn(signer, input) {
  const kind = "return";
  const verdict = signer.verifyReturnUrl(input.query);
  if (verdict.kind === "malformed") {
    return refused(kind, verdict.message, { given: input.query, difference: verdict.position ?? -1, causes: [{ id: "malformed", text: "The query cannot be decoded, so it has no defined signature; Ticketmatic's return URLs never look like this." }] });
  }
  const pairs = queryPairs(input.query);
  const given = pairs.find(([name]) => name === "signature")?.[1];
  const params = pairs.filter(([name]) => name !== "signature" && name !== "accesskey");
  const signedText = signer.explainReturnUrl(input.query);
  const expected = signer.widgetSignature(params);
  const causes = [];
  if (verdict.reason === "bad_access_key") {
    causes.push({ id: "access-key", text: "The accesskey parameter is missing or is not the access key entered above." });
  }
  if (given === undefined) {
    causes.push({ id: "signature-missing", text: "The URL has no signature parameter." });
    return { kind, verdict: "mismatch", signedText, expected, given: "", difference: 0, causes };
  }
  const result = { kind, signedText, expected, given, ...compare(given, expected) };
  if (result.verdict === "mismatch" && given.toLowerCase() === expected) {
    causes.push({ id: "upper-case-hex", text: "The signature is right but in upper-case hex; Ticketmatic signs in lower case." });
  } else if (result.verdict === "mismatch") {
    causes.push({ id: "changed", text: "The parameters were changed after Ticketmatic signed them, or the secret key or account is not the widget key pair's." });
  }
  // The signature can match and the URL still fail (a wrong accesskey).
  if (!verdict.valid) result.verdict = "mismatch";
  result.message = verdict.valid ? undefined : verdict.message;
  result.causes = causes;
  return result;
}
