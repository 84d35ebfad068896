// The module's size budget: CI fails above it. Measured sizes are printed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { gzipSync } from "node:zlib";

const LIMIT = 24 * 1024;

test(`ticketmatic_sign.wasm is at most ${LIMIT} bytes`, () => {
  const bytes = readFileSync(new URL("../ticketmatic_sign.wasm", import.meta.url));
  const gzip = gzipSync(bytes, { level: 9 }).length;
  console.log(`ticketmatic_sign.wasm: ${bytes.length} bytes, ${gzip} gzipped (limit ${LIMIT})`);
  assert.ok(bytes.length <= LIMIT, `${bytes.length} bytes, over the ${LIMIT}-byte budget`);
});
