// The WebAssembly module and its calling convention (wasm/src/lib.rs).
// Inputs are written straight into the module's input area as records (a
// length in four bytes of seven bits, then the bytes); `run(slot, op,
// count, time, length)` computes with the signer kept in `slot`, and the
// output is read from the output area. Nothing here signs or checks anything: that is all
// the Rust crate's. What is here is made to cost little per call: no arrays
// built per call, short strings copied by a loop, long ones by encodeInto
// and TextDecoder (each measured faster on its side of about 32 characters).

/** Operation codes of `run` (wasm/src/lib.rs, module `op`). */
export const OP = Object.freeze({
  BASE_URL: 0,
  AUTHORIZATION: 1,
  AUTHORIZATION_PAYLOAD: 2,
  WIDGET_SIGNATURE: 3,
  WIDGET_PAYLOAD: 4,
  WIDGET_URL: 5,
  VERIFY_RETURN_URL: 6,
  RETURN_URL_PAYLOAD: 7,
});

/** `time` when a record of timestamp text comes first. */
export const TEXT_TIME = NaN;

const REFUSED = -1;
const BAD_CALL = -2;
/** What `signer_new` returns when every slot holds a live signer. */
export const NO_SLOT = -3;
/** Strings shorter than this are copied by a loop; longer ones by the platform's encoder and decoder. */
const SHORT = 32;

const encoder = new TextEncoder();
// Not `fatal`: every output is a Rust `&str`, valid UTF-8 by construction,
// and the check cost a 355-byte widget URL 150 ns (Node 20 and Chromium:
// 386 -> 238 ns and 430 -> 275 ns).
const decoder = new TextDecoder();

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

/** One instance of the module: its exports, its memory, and the write cursor of the call being built. */
class Module {
  constructor(instance) {
    const e = instance.exports;
    for (const name of ["memory", "input_ptr", "output_ptr", "io_len", "signer_new", "signer_free", "run"]) {
      if (!(name in e)) throw new TypeError(`not the ticketmatic-sign module: no export '${name}'`);
    }
    this.exports = e;
    this.capacity = e.io_len();
    // The memory never grows (the module has no allocator): one view serves every call.
    this.mem = new Uint8Array(e.memory.buffer);
    this.input = e.input_ptr();
    this.end = this.input + this.capacity;
    this.output = e.output_ptr();
    this.at = this.input;
    // Frees the slot of a Signer that was collected without free().
    this.registry = typeof FinalizationRegistry === "function" ? new FinalizationRegistry((slot) => e.signer_free(slot)) : null;
  }

  /** Starts the inputs of a call. */
  begin() {
    this.at = this.input;
  }

  /** Writes `text` as a UTF-8 record, refusing what UTF-8 cannot carry and what does not fit. */
  string(text, field, position) {
    if (typeof text !== "string") throw notString(text, field, position);
    const n = text.length;
    const start = this.at + 4;
    // UTF-8 takes at least one byte per UTF-16 unit.
    if (start + n > this.end) throw this.tooLarge();
    const mem = this.mem;
    let len = 0;
    if (n < SHORT) {
      for (; len < n; len++) {
        const c = text.charCodeAt(len);
        if (c > 0x7f) break;
        mem[start + len] = c;
      }
    }
    if (len < n) {
      const { read, written } = encoder.encodeInto(text.slice(len), mem.subarray(start + len, this.end));
      if (read < n - len) throw this.tooLarge();
      // Not all ASCII: encodeInto wrote U+FFFD for any lone surrogate.
      if (written !== read && !wellFormed(text)) {
        throw new TicketmaticSignError(
          `${describeField(field, position)}: holds a lone UTF-16 surrogate, which has no UTF-8 form`,
          { field, reason: "invalid_utf16", position },
        );
      }
      len += written;
    }
    this.length(len);
    this.at = start + len;
  }

  /** Writes `bytes` (a Uint8Array) as a record. */
  bytes(bytes) {
    const start = this.at + 4;
    if (start + bytes.length > this.end) throw this.tooLarge();
    this.mem.set(bytes, start);
    this.length(bytes.length);
    this.at = start + bytes.length;
  }

  /**
   * A record's length: four bytes of seven bits, low first (ASCII, so that
   * the module checks a call's texts as UTF-8 at once).
   */
  length(len) {
    const mem = this.mem;
    const at = this.at;
    mem[at] = len & 0x7f;
    mem[at + 1] = (len >>> 7) & 0x7f;
    mem[at + 2] = (len >>> 14) & 0x7f;
    mem[at + 3] = len >>> 21;
  }

  tooLarge() {
    return new TicketmaticSignError(`inputs: more than the ${this.capacity} bytes the module takes in one call`, {
      field: "input",
      reason: "too_large",
    });
  }

  /**
   * Keys a signer from the records written (access key, secret, account,
   * base URL) into a slot of its own, or with `scratch` into the slot that
   * serves one call; returns the slot, or NO_SLOT when every slot is taken.
   */
  newSigner(scratch) {
    const slot = this.exports.signer_new(this.at - this.input, scratch ? 1 : 0);
    return slot === NO_SLOT ? NO_SLOT : this.check(slot);
  }

  /** The records written so far, copied out. */
  written() {
    return this.mem.slice(this.input, this.at);
  }

  /** Writes records copied by `written()` back. */
  rewrite(records) {
    this.mem.set(records, this.input);
    this.at = this.input + records.length;
  }

  /** Runs `op` with the signer in `slot` on the records written; returns the output's length. */
  run(slot, op, count, time) {
    return this.check(this.exports.run(slot, op, count, time, this.at - this.input));
  }

  /** A call's result, or its error thrown. */
  check(result) {
    if (result >= 0) return result;
    if (result === REFUSED) {
      let at = this.output;
      const next = () => {
        const len = this.u32(at);
        const text = this.text(at + 4, len);
        at += 4 + len;
        return text;
      };
      const reason = next();
      const field = next();
      const message = next();
      const position = this.u32(at);
      throw new TicketmaticSignError(message, {
        field,
        reason,
        position: position === 0 ? undefined : position - 1,
        verdict: this.u32(at + 4) === 1,
      });
    }
    throw new Error(`ticketmatic-sign: the module could not read the call (code ${result}); this is a bug`);
  }

  u32(at) {
    const mem = this.mem;
    return (mem[at] | (mem[at + 1] << 8) | (mem[at + 2] << 16) | (mem[at + 3] << 24)) >>> 0;
  }

  /** The UTF-8 text of `len` bytes at `at` in memory. */
  text(at, len) {
    const mem = this.mem;
    if (len < SHORT) {
      let text = "";
      for (let i = at; i < at + len; i++) {
        const c = mem[i];
        if (c > 0x7f) return decoder.decode(mem.subarray(at, at + len));
        text += String.fromCharCode(c);
      }
      return text;
    }
    return decoder.decode(mem.subarray(at, at + len));
  }

  /** The output of a call: `len` bytes of UTF-8 text. */
  outputText(len) {
    return this.text(this.output, len);
  }
}

let current = null;

/** Takes a `WebAssembly.Instance` of the module; later Signers use it. */
export function setInstance(instance) {
  current = new Module(instance);
}

export function isReady() {
  return current !== null;
}

/** The module Signers made now use. */
export function module() {
  if (current === null) {
    throw new Error("ticketmatic-sign: call `await init()` (or `initSync`) before signing");
  }
  return current;
}

function notString(text, field, position) {
  const what = text === null ? "null" : typeof text;
  return new TicketmaticSignError(`${describeField(field, position)}: expected a string, got ${what}`, {
    field,
    reason: "invalid_type",
    position,
  });
}

function wellFormed(text) {
  return text.isWellFormed ? text.isWellFormed() : !/\p{Surrogate}/u.test(text);
}

function describeField(field, position) {
  return field === "params" && position !== undefined ? `params[${position}]` : field;
}
