// The parity table (tests/parity/parity.json, SPEC section 7) through the
// JavaScript package: every case accepted or refused as the table says,
// with the same reason code, field and position as every other face.
// Header verification is not part of this package's API: those cases are
// counted as not offered.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { init, Signer, TicketmaticSignError } from "../src/node.js";

await init();

const table = JSON.parse(readFileSync(new URL("../../tests/parity/parity.json", import.meta.url), "utf8"));

/** A table text: a string, UTF-16 code units (lone surrogates), or bytes. */
function text(value) {
  if (value === undefined || typeof value === "string") return value;
  if (value.utf16) return String.fromCharCode(...value.utf16);
  if (value.hex) return Uint8Array.from(Buffer.from(value.hex, "hex"));
  throw new Error(`unknown text ${JSON.stringify(value)}`);
}

function signerOf(c) {
  const s = { ...table.signer, ...c.signer };
  const options = { accessKey: text(s.access_key), secretKey: text(s.secret_key), account: text(s.account) };
  if (s.base_url !== undefined) options.baseUrl = text(s.base_url);
  return new Signer(options);
}

/** The case's outputs, or null when this package does not offer the operation. */
function run(c) {
  switch (c.op) {
    case "signer":
      return { base_url: signerOf(c).baseUrl };
    case "timestamp": {
      const header = signerOf(c).authorization(c.text);
      return { ts: header.split(" ")[2].slice(3) };
    }
    case "unix_time": {
      const header = signerOf(c).authorization(BigInt(c.unix));
      return { ts: header.split(" ")[2].slice(3) };
    }
    case "widget_url":
      return { url: signerOf(c).widgetUrl(c.widget, c.params) };
    case "return_url": {
      const verdict = signerOf(c).verifyReturnUrl(c.url);
      if (!verdict.valid) {
        // A verdict object: as the error the other faces raise.
        throw new TicketmaticSignError(verdict.message, verdict);
      }
      return { params: verdict.params.map((p) => [p.name, p.value, p.signed]) };
    }
    default:
      return null;
  }
}

test("the parity table: every case as the table says", () => {
  let [ran, notOffered, notCarried] = [0, 0, 0];
  const disagreements = [];
  for (const c of table.cases) {
    if (c.only && !c.only.includes("js")) {
      notCarried++;
      continue;
    }
    let got;
    try {
      const outputs = run(c);
      if (outputs === null) {
        notOffered++;
        continue;
      }
      got = { ok: outputs };
    } catch (error) {
      if (!(error instanceof TicketmaticSignError)) throw error;
      got = { refused: { reason: error.reason, field: error.field, position: error.position ?? null } };
    }
    ran++;
    if ("ok" in c.expect && "ok" in got) {
      for (const [key, value] of Object.entries(c.expect.ok)) {
        if (key in got.ok && JSON.stringify(got.ok[key]) !== JSON.stringify(value)) {
          disagreements.push(`${c.id}: ${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got.ok[key])}`);
        }
      }
    } else if (JSON.stringify(c.expect) !== JSON.stringify(got)) {
      disagreements.push(`${c.id}: expected ${JSON.stringify(c.expect)}, got ${JSON.stringify(got)}`);
    }
  }
  console.log(
    `parity (js): ${ran} cases, ${ran - disagreements.length} agree, ${disagreements.length} disagree, ` +
      `${notOffered} not offered (header verification), ${notCarried} with inputs for other faces`,
  );
  assert.deepEqual(disagreements, []);
});
