// Runs ticketmatic-signing-vectors/1 documents (the vector files, or cases
// from `tm conformance cases`) through the package, one node:test test per
// vector. The expected values are the documents', never the package's.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Signer, TicketmaticSignError } from "../src/node.js";

/** Kinds the package does not do: server-side header verification is the Rust crate's. */
export const NOT_IN_PACKAGE = new Set(["authorization_check"]);

function signerOf(v) {
  return new Signer({ accessKey: v.access_key, secretKey: v.secret_key, account: v.account });
}

/** What the package computes for a vector, in the shape of `expected`. */
export const RUN = {
  authorization(v) {
    const time = v.unix_time ?? v.timestamp;
    const signer = signerOf(v);
    const header = signer.authorization(time);
    return { header, payload: signer.explainHeader(time), timestamp: header.split(" ")[2].slice(3) };
  },
  widget(v) {
    const signer = signerOf(v);
    return {
      signature: signer.widgetSignature(v.params),
      url: signer.widgetUrl(v.widget, v.params),
      payload: signer.explainWidget(v.params),
    };
  },
  return_url(v) {
    const signer = signerOf(v);
    const verdict = signer.verifyReturnUrl(v.query);
    if (verdict.kind === "malformed") return verdict;
    const got = verdict.valid ? { valid: true } : { valid: false, error_kind: verdict.reason };
    if (v.expected.payload !== undefined) got.payload = signer.explainReturnUrl(v.query);
    return got;
  },
};

/** One test per vector of `doc` that the package covers; returns how many. */
export function testVectors(label, doc) {
  assert.equal(doc.format, "ticketmatic-signing-vectors/1", label);
  let count = 0;
  for (const v of doc.vectors) {
    if (NOT_IN_PACKAGE.has(v.kind)) continue;
    count++;
    test(`${label}: ${v.id}`, () => {
      assert.ok(RUN[v.kind], `no runner for kind ${v.kind}`);
      if (v.expected.error) {
        // Refused: the Signer or the call throws, or for a return URL the
        // verdict says the query cannot be decoded.
        let got;
        try {
          got = RUN[v.kind](v);
        } catch (error) {
          assert.ok(error instanceof TicketmaticSignError, error);
          return;
        }
        assert.equal(v.kind, "return_url", `expected a refusal, got ${JSON.stringify(got)}`);
        assert.deepEqual({ valid: got.valid, kind: got.kind }, { valid: false, kind: "malformed" });
        assert.throws(() => signerOf(v).explainReturnUrl(v.query), TicketmaticSignError);
      } else {
        assert.deepEqual(RUN[v.kind](v), v.expected);
      }
    });
  }
  return count;
}
