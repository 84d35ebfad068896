#!/usr/bin/env node
// A tm-conformance/1 adapter over the JavaScript package (js/), so the kit
// checks the package the way it checks any implementation:
//
//     npm --prefix js run build
//     tm conformance run -- node conformance/adapters/js/adapter.mjs
import { createInterface } from "node:readline";

import { init, Signer, TicketmaticSignError } from "../../../js/src/node.js";

await init();

const signerOf = (c) => new Signer({ accessKey: c.access_key, secretKey: c.secret_key, account: c.account });

const KINDS = {
  authorization(c) {
    const time = c.unix_time ?? c.timestamp;
    const signer = signerOf(c);
    const header = signer.authorization(time);
    return { timestamp: header.split(" ")[2].slice("ts=".length), header, payload: signer.explainHeader(time) };
  },
  widget(c) {
    const signer = signerOf(c);
    return {
      signature: signer.widgetSignature(c.params),
      url: signer.widgetUrl(c.widget, c.params),
      payload: signer.explainWidget(c.params),
    };
  },
  return_url(c) {
    const signer = signerOf(c);
    const verdict = signer.verifyReturnUrl(c.query);
    if (verdict.kind === "malformed") throw new TicketmaticSignError(verdict.message);
    const payload = signer.explainReturnUrl(c.query);
    return verdict.valid ? { valid: true, payload } : { valid: false, error_kind: verdict.reason, payload };
  },
};

function answer(message) {
  if (message.cmd === "start") {
    return {
      implementation: { name: "ticketmatic-sign (js/, WebAssembly)", language: "JavaScript", version: process.version },
      kinds: Object.keys(KINDS),
    };
  }
  try {
    return { seq: message.seq, output: KINDS[message.case.kind](message.case) };
  } catch (e) {
    if (e instanceof TicketmaticSignError) return { seq: message.seq, refused: e.message };
    throw e;
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  const message = JSON.parse(line);
  if (message.cmd === "stop") break;
  process.stdout.write(JSON.stringify(answer(message)) + "\n");
}
lines.close();
