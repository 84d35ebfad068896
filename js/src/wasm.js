// The WebAssembly module and its calling convention (wasm/src/lib.rs): inputs
// go into the module's I/O area as records (a little-endian u32 length, then
// the bytes), `run(op, count, unixTime, length)` computes, and the output is read
// back from the start of the area. Nothing here signs or checks anything:
// that is all the Rust crate's.

/** Operation codes of `run` (wasm/src/lib.rs, module `op`). */
export const OP = Object.freeze({
  CHECK: 0,
  AUTHORIZATION: 1,
  AUTHORIZATION_PAYLOAD: 2,
  WIDGET_SIGNATURE: 3,
  WIDGET_PAYLOAD: 4,
  WIDGET_URL: 5,
  VERIFY_RETURN_URL: 6,
  RETURN_URL_PAYLOAD: 7,
});

/** `unixTime` when a record of timestamp text follows (i64::MIN). */
export const TEXT_TIME = -(2n ** 63n);

const REFUSED = -1;
const BAD_CALL = -2;

let exports = null;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * An error from the signing library, or an input it cannot take.
 * `reason` is a stable code, `field` names the input, `position` is a
 * parameter index or byte offset: the Rust crate's, the same in every face
 * of it (SPEC section 7). `verdict` (for the crate's refusals) is true when
 * a return URL or header was read and is not signed by this key.
 */
export class TicketmaticSignError extends Error {
  constructor(message, { field = "", reason = "", position, verdict } = {}) {
    super(message);
    this.name = "TicketmaticSignError";
    this.field = field;
    this.reason = reason;
    if (position !== undefined) this.position = position;
    if (verdict !== undefined) this.verdict = verdict;
  }
}

/** Takes a `WebAssembly.Instance` of the module. */
export function setInstance(instance) {
  const e = instance.exports;
  for (const name of ["memory", "io_ptr", "io_len", "run"]) {
    if (!(name in e)) throw new TypeError(`not the ticketmatic-sign module: no export '${name}'`);
  }
  exports = e;
}

export function isReady() {
  return exports !== null;
}

/** UTF-8 of `text`, refusing lone surrogates, which UTF-8 cannot carry. */
export function utf8(text, field, position) {
  if (typeof text !== "string") {
    const what = text === null ? "null" : typeof text;
    throw new TicketmaticSignError(`${describeField(field, position)}: expected a string, got ${what}`, {
      field,
      reason: "invalid_type",
      position,
    });
  }
  const wellFormed = text.isWellFormed ? text.isWellFormed() : !/\p{Surrogate}/u.test(text);
  if (!wellFormed) {
    throw new TicketmaticSignError(
      `${describeField(field, position)}: holds a lone UTF-16 surrogate, which has no UTF-8 form`,
      { field, reason: "invalid_utf16", position },
    );
  }
  return encoder.encode(text);
}

function describeField(field, position) {
  return field === "params" && position !== undefined ? `params[${position}]` : field;
}

/**
 * Runs `op` on `records` (Uint8Arrays). Returns the output bytes, or throws
 * the library's error as a TicketmaticSignError.
 */
export function run(op, records, { count = 0, unixTime = 0n } = {}) {
  if (exports === null) {
    throw new Error("ticketmatic-sign: call `await init()` (or `initSync`) before signing");
  }
  const capacity = exports.io_len();
  let size = 0;
  for (const record of records) size += 4 + record.length;
  if (size > capacity) {
    throw new TicketmaticSignError(
      `inputs: ${size} bytes, more than the ${capacity} the module takes in one call`,
      { field: "input", reason: "too_large" },
    );
  }
  let area = new Uint8Array(exports.memory.buffer, exports.io_ptr(), capacity);
  let view = new DataView(area.buffer, area.byteOffset, capacity);
  let at = 0;
  for (const record of records) {
    view.setUint32(at, record.length, true);
    area.set(record, at + 4);
    at += 4 + record.length;
  }
  const result = exports.run(op, count, unixTime, at);
  // The memory cannot grow (no allocator), but views are cheap: take fresh ones.
  area = new Uint8Array(exports.memory.buffer, exports.io_ptr(), capacity);
  view = new DataView(area.buffer, area.byteOffset, capacity);
  if (result >= 0) return area.slice(0, result);
  if (result === REFUSED) {
    const fields = [];
    let pos = 0;
    for (let i = 0; i < 3; i++) {
      const len = view.getUint32(pos, true);
      fields.push(decoder.decode(area.subarray(pos + 4, pos + 4 + len)));
      pos += 4 + len;
    }
    const [reason, field, message] = fields;
    const position = view.getUint32(pos, true);
    throw new TicketmaticSignError(message, {
      field,
      reason,
      position: position === 0 ? undefined : position - 1,
      verdict: view.getUint32(pos + 4, true) === 1,
    });
  }
  throw new Error(`ticketmatic-sign: the module could not read the call (code ${result}); this is a bug`);
}

export function text(bytes) {
  return decoder.decode(bytes);
}
