// Runs the signing vectors of one or more ticketmatic-signing-vectors/1 files
// against the WebAssembly module, in Node:
//
//     node wasm/check-vectors.mjs MODULE.wasm tests/vectors/*.json
//
// Checks header (authorization vectors) and signature and URL (widget
// vectors); error vectors of those kinds must be refused. Prints one line per
// failure and ends with "wasm: N passed, M failed"; exits 1 if any failed.
import { readFileSync } from "node:fs";

const [wasmFile, ...vectorFiles] = process.argv.slice(2);
if (!wasmFile || vectorFiles.length === 0) {
  console.error("usage: node check-vectors.mjs MODULE.wasm VECTORS.json...");
  process.exit(2);
}
const { instance } = await WebAssembly.instantiate(readFileSync(wasmFile));
const wasm = instance.exports;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function io() {
  return new Uint8Array(wasm.memory.buffer, wasm.io_ptr(), wasm.io_len());
}

/** Writes records (u32 little-endian length, then UTF-8 bytes) into the I/O area. */
function put(strings) {
  const area = io();
  let at = 0;
  for (const s of strings) {
    const bytes = encoder.encode(s);
    new DataView(area.buffer, area.byteOffset + at, 4).setUint32(0, bytes.length, true);
    area.set(bytes, at + 4);
    at += 4 + bytes.length;
  }
}

/** The output of a call that returned `len`, or null if it was refused. */
function output(len) {
  if (len === -2) throw new Error("the module could not read the call's records");
  return len < 0 ? null : decoder.decode(io().slice(0, len));
}

function authorization(v) {
  const head = [v.access_key, v.secret_key, v.account];
  if (v.unix_time !== undefined) {
    put(head);
    return { header: output(wasm.authorization(BigInt(v.unix_time))) };
  }
  put([...head, v.timestamp]);
  return { header: output(wasm.authorization(-1n)) };
}

function widget(v) {
  const records = [v.access_key, v.secret_key, v.account, v.widget, ...v.params.flat()];
  put(records);
  const signature = output(wasm.widget(v.params.length, 0));
  put(records);
  const url = output(wasm.widget(v.params.length, 1));
  return { signature, url };
}

let passed = 0;
let failed = 0;
for (const file of vectorFiles) {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  if (doc.format !== "ticketmatic-signing-vectors/1") {
    console.error(`${file}: not a ticketmatic-signing-vectors/1 file`);
    process.exit(2);
  }
  for (const v of doc.vectors) {
    const run = { authorization, widget }[v.kind];
    if (!run) continue; // return_url vectors: verification is not exported
    const got = run(v);
    const problems = [];
    if (v.expected.error) {
      for (const [name, value] of Object.entries(got)) {
        if (value !== null) problems.push(`expected an error, got ${name} ${JSON.stringify(value)}`);
      }
    } else {
      for (const [name, value] of Object.entries(got)) {
        if (value !== v.expected[name]) {
          problems.push(`${name}: expected ${JSON.stringify(v.expected[name])}, got ${JSON.stringify(value)}`);
        }
      }
    }
    if (problems.length) {
      failed++;
      console.log(`FAIL  ${file}: ${v.id} (${v.kind}): ${problems.join("; ")}`);
    } else {
      passed++;
    }
  }
}
console.log(`wasm: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
