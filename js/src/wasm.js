// The WebAssembly module and its calling convention (wasm/src/lib.rs).
// Inputs are written straight into the module's input area: their bytes
// back to back, their lengths in a table apart; `run(slot, op, count, time,
// length)` computes with the signer kept in `slot`, and the output is read
// from the output area. Nothing here signs or checks anything: that is all
// the Rust crate's. What is here is made to cost little per call: no
// arrays built per call, short ASCII inputs written by a loop, the rest by
// `encodeInto`, short outputs read by a loop, long ones by TextDecoder.

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

/** `time` when the timestamp is given as text, the call's one input. */
export const TEXT_TIME = NaN;

const REFUSED = -1;
const BAD_CALL = -2;
/** What `signer_new` returns when every slot holds a live signer. */
export const NO_SLOT = -3;
/** Outputs shorter than this are read by a loop; longer ones by the platform's decoder. */
const SHORT = 32;
/**
 * Inputs up to this long are written by a loop; longer ones (and any that
 * is not ASCII) by encodeInto. Chromium's encodeInto costs about 200 ns a
 * call however short the text, Node's about 50; a loop about 1.7 ns a
 * character in Chromium, 2 in Node (js/README.md).
 */
const SHORT_INPUT = 64;

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

/** One instance of the module: its exports, its memory, and the inputs of the call being written. */
class Module {
  constructor(instance) {
    const e = instance.exports;
    const names = ["memory", "input_ptr", "lengths_ptr", "max_texts", "output_ptr", "io_len", "signer_new", "signer_free", "run"];
    for (const name of names) {
      if (!(name in e)) throw new TypeError(`not the ticketmatic-sign module: no export '${name}'`);
    }
    this.exports = e;
    this.capacity = e.io_len();
    this.maxTexts = e.max_texts();
    // The memory never grows (the module has no allocator): one view serves every call.
    this.mem = new Uint8Array(e.memory.buffer);
    this.input = e.input_ptr();
    this.end = this.input + this.capacity;
    this.area = this.mem.subarray(this.input, this.end);
    this.lengths = e.lengths_ptr();
    this.output = e.output_ptr();
    // The call being written: where its next bytes go, and how many inputs it has.
    this.at = this.input;
    this.count = 0;
    // Frees the slot of a Signer that was collected without free().
    this.registry = typeof FinalizationRegistry === "function" ? new FinalizationRegistry((slot) => e.signer_free(slot)) : null;
  }

  /** Starts the inputs of a call. */
  begin() {
    this.at = this.input;
    this.count = 0;
  }

  /** Writes `text` as UTF-8, refusing what UTF-8 cannot carry and what does not fit. */
  string(text, field, position) {
    if (typeof text !== "string") throw notString(text, field, position);
    const n = text.length;
    const at = this.at;
    // UTF-8 takes at least one byte per UTF-16 unit.
    if (at + n > this.end) throw this.tooLarge();
    let len = n;
    if (n <= SHORT_INPUT) {
      // Every unit stored as a byte; if one was not ASCII, encodeInto
      // writes the text again.
      const mem = this.mem;
      let units = 0;
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        mem[at + i] = c;
        units |= c;
      }
      if (units > 0x7f) len = this.encode(text, field, position);
    } else {
      len = this.encode(text, field, position);
    }
    this.length(len);
    this.at = at + len;
  }

  /** `text` written by encodeInto at `this.at`; returns the bytes written. */
  encode(text, field, position) {
    const area = this.at === this.input ? this.area : this.mem.subarray(this.at, this.end);
    const { read, written } = encoder.encodeInto(text, area);
    if (read < text.length) throw this.tooLarge();
    // encodeInto wrote U+FFFD for any lone surrogate.
    if (written !== read && !wellFormed(text)) {
      throw new TicketmaticSignError(
        `${describeField(field, position)}: holds a lone UTF-16 surrogate, which has no UTF-8 form`,
        { field, reason: "invalid_utf16", position },
      );
    }
    return written;
  }

  /** Writes `bytes` (a Uint8Array). */
  bytes(bytes) {
    if (this.at + bytes.length > this.end) throw this.tooLarge();
    this.mem.set(bytes, this.at);
    this.length(bytes.length);
    this.at += bytes.length;
  }

  /** Adds an input's length in bytes to the table (a `u16`: `capacity` is less). */
  length(len) {
    if (this.count === this.maxTexts) {
      throw new TicketmaticSignError(`inputs: more than the ${this.maxTexts} texts the module takes in one call`, {
        field: "input",
        reason: "too_large",
      });
    }
    const at = this.lengths + 2 * this.count++;
    this.mem[at] = len & 0xff;
    this.mem[at + 1] = len >>> 8;
  }

  tooLarge() {
    return new TicketmaticSignError(`inputs: more than the ${this.capacity} bytes the module takes in one call`, {
      field: "input",
      reason: "too_large",
    });
  }

  /**
   * Keys a signer from the inputs written (secret, access key, account,
   * base URL) into a slot of its own, or with `scratch` into the slot that
   * serves one call; returns the slot, or NO_SLOT when every slot is taken.
   */
  newSigner(scratch) {
    const slot = this.exports.signer_new(this.at - this.input, scratch ? 1 : 0);
    return slot === NO_SLOT ? NO_SLOT : this.check(slot);
  }

  /** The inputs written, copied out. */
  written() {
    return {
      bytes: this.mem.slice(this.input, this.at),
      lengths: this.mem.slice(this.lengths, this.lengths + 2 * this.count),
    };
  }

  /** Writes inputs copied by `written()` back. */
  rewrite({ bytes, lengths }) {
    this.mem.set(bytes, this.input);
    this.mem.set(lengths, this.lengths);
    this.at = this.input + bytes.length;
    this.count = lengths.length / 2;
  }

  /** Runs `op` with the signer in `slot` on the inputs written; returns the output's length. */
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
