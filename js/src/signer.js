// The package's API: Signer, TicketmaticSignError and the loaders' shared
// part. Inputs are checked for JavaScript types here; everything about
// Ticketmatic's rules is decided by the Rust crate through src/wasm.js.

import { NO_SLOT, OP, TEXT_TIME, TicketmaticSignError, isReady, module, setInstance } from "./wasm.js";

export { TicketmaticSignError };

/** Where widget URLs point unless `baseUrl` says otherwise. */
export const DEFAULT_BASE_URL = "https://apps.ticketmatic.com";

/** Instantiates the module from bytes, a `WebAssembly.Module` or a `Response`. */
export async function instantiate(source) {
  source = await source;
  if (typeof Response !== "undefined" && source instanceof Response) {
    if (!source.ok) throw new Error(`ticketmatic-sign: fetching the module failed: HTTP ${source.status}`);
    source = await source.arrayBuffer();
  }
  if (source instanceof WebAssembly.Module) {
    setInstance(await WebAssembly.instantiate(source, {}));
  } else {
    setInstance((await WebAssembly.instantiate(source, {})).instance);
  }
}

/** Instantiates the module synchronously from bytes or a `WebAssembly.Module`. */
export function instantiateSync(source) {
  const module = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
  setInstance(new WebAssembly.Instance(module, {}));
}

export { isReady };

/**
 * Signs API requests and widget URLs and verifies return URLs for one key
 * pair and account, as the Rust crate `ticketmatic-sign` does (it runs
 * inside). The HMAC is keyed once, in the module, which keeps 64 signers
 * keyed at once; `free()` (or `using`) gives a signer's place back at once,
 * the garbage collector later. Signers beyond 64 work the same, keying the
 * HMAC for each call until a place is free.
 */
export class Signer {
  #module;
  /** The signer's slot in the module; -1 once freed. */
  #slot = -1;
  /** Only while the signer has no slot: its inputs, to key it for each call. */
  #inputs = null;
  /** The slot the call being made uses: the signer's, or the scratch slot. */
  #using = -1;

  constructor(options) {
    if (options === null || typeof options !== "object") {
      throw new TicketmaticSignError("Signer: expected an object {accessKey, secretKey, account, baseUrl?}", {
        field: "options",
        reason: "invalid_type",
      });
    }
    const { accessKey, secretKey, account = "", baseUrl } = options;
    const m = module();
    this.#module = m;
    m.begin();
    // The secret first: it may be any bytes, and the module checks the
    // texts after it as UTF-8 at once.
    if (secretKey instanceof Uint8Array) m.bytes(secretKey);
    else m.string(secretKey, "secret_key");
    m.string(accessKey, "access_key");
    m.string(account, "account");
    m.string(baseUrl === undefined ? DEFAULT_BASE_URL : baseUrl, "base_url");
    // The crate checks the inputs, and keeps the keyed HMAC, not the secret.
    const inputs = m.written();
    if (!this.#keep()) {
      this.#using = m.newSigner(true); // checks the inputs all the same
      this.#inputs = inputs;
    }
    m.begin();
    /** The access key. */
    this.accessKey = accessKey;
    /** The account name ("" for calls without one). */
    this.account = account;
    /** The base URL of widget URLs as the crate keeps it, without a trailing "/". */
    this.baseUrl = m.outputText(m.run(this.#using, OP.BASE_URL, 0, 0));
    Object.freeze(this);
  }

  /** Keys the inputs written into a slot of the signer's own; false if none is free. */
  #keep() {
    const m = this.#module;
    const slot = m.newSigner(false);
    if (slot === NO_SLOT) return false;
    this.#slot = slot;
    this.#using = slot;
    this.#inputs = null;
    m.registry?.register(this, slot, this);
    return true;
  }

  /**
   * Gives the signer's place in the module back; the signer cannot be used
   * after. Calling it again does nothing.
   */
  free() {
    if (this.#slot >= 0) {
      this.#module.registry?.unregister(this);
      this.#module.exports.signer_free(this.#slot);
    }
    this.#slot = -1;
    this.#using = -1;
    this.#inputs = null;
  }

  /** The `Authorization` header value for a request made at `time` (default: now). */
  authorization(time) {
    return this.#time(OP.AUTHORIZATION, time);
  }

  /** The text the `Authorization` header signs at `time`: access key, account, timestamp. */
  explainHeader(time) {
    return this.#time(OP.AUTHORIZATION_PAYLOAD, time);
  }

  /** The widget signature (64 lower-case hex digits) of these parameters. */
  widgetSignature(params) {
    return this.#params(OP.WIDGET_SIGNATURE, undefined, params);
  }

  /** The text the widget signature of these parameters signs. */
  explainWidget(params) {
    return this.#params(OP.WIDGET_PAYLOAD, undefined, params);
  }

  /** The signed URL of `widget` (for example "addtickets") with these parameters. */
  widgetUrl(widget, params) {
    return this.#params(OP.WIDGET_URL, widget, params);
  }

  /**
   * Verifies a return URL (or its query string). Returns `{valid: true,
   * params}`: the parameters as the crate verified them (decoded, in the
   * query's order, without `accesskey` and `signature`), each
   * `{name, value, signed}`, `signed` false for `l` and `ordercode`, which
   * no signature covers. Or `{valid: false, kind, reason, field, message,
   * position?}`: `kind` is "invalid" (a well-formed query that this signer
   * did not sign) or "malformed" (one that cannot be decoded); `reason`,
   * `field` and `position` are the crate's, as for every refusal.
   */
  verifyReturnUrl(urlOrQuery) {
    const m = this.#begin();
    m.string(urlText(urlOrQuery), "return_url");
    let len;
    try {
      len = m.run(this.#using, OP.VERIFY_RETURN_URL, 0, 0);
    } catch (error) {
      // The crate's verdicts, and its refusals of the URL itself; anything
      // else is thrown.
      const about = error instanceof TicketmaticSignError && (error.verdict || error.field === "return_url");
      if (!about) throw error;
      const result = {
        valid: false,
        kind: error.verdict ? "invalid" : "malformed",
        reason: error.reason,
        field: error.field,
        message: error.message,
      };
      if (error.position !== undefined) result.position = error.position;
      return result;
    }
    return { valid: true, params: verifiedParams(m, len) };
  }

  /** The text a return URL's signature should sign (what `verifyReturnUrl` compares). */
  explainReturnUrl(urlOrQuery) {
    const m = this.#begin();
    m.string(urlText(urlOrQuery), "return_url");
    return m.outputText(m.run(this.#using, OP.RETURN_URL_PAYLOAD, 0, 0));
  }

  /**
   * The module, ready for the inputs of one of this signer's calls; a
   * signer without a slot of its own takes one if one is free, else is keyed
   * into the scratch slot for this call.
   */
  #begin() {
    const m = this.#module;
    if (this.#inputs !== null) {
      m.rewrite(this.#inputs);
      if (!this.#keep()) this.#using = m.newSigner(true);
    } else if (this.#slot < 0) {
      throw new TicketmaticSignError("Signer: used after free()", { field: "options", reason: "freed" });
    }
    m.begin();
    return m;
  }

  #time(op, time) {
    const m = this.#begin();
    let seconds;
    if (typeof time === "string") {
      m.string(time, "timestamp");
      seconds = TEXT_TIME;
    } else {
      seconds = time === undefined ? Date.now() / 1000 : time instanceof Date ? time.getTime() / 1000 : time;
      // Beyond 2^53 a bigint loses precision as a number, and is far outside 1970-9999 either way.
      if (typeof seconds === "bigint") seconds = Number(seconds);
      else if (typeof seconds !== "number" || !Number.isFinite(seconds)) {
        throw new TicketmaticSignError("timestamp: expected Unix seconds, a Date or 'YYYY-MM-DDTHH:MM:SS' text", {
          field: "timestamp",
          reason: "invalid_type",
        });
      } else seconds = Math.floor(seconds);
    }
    return m.outputText(m.run(this.#using, op, 0, seconds));
  }

  #params(op, widget, params) {
    const m = this.#begin();
    if (widget !== undefined) m.string(widget, "widget");
    const count = writePairs(m, params);
    return m.outputText(m.run(this.#using, op, count, 0));
  }
}

// `using signer = new Signer(...)` where the runtime knows explicit resource management.
if (typeof Symbol.dispose === "symbol") {
  Signer.prototype[Symbol.dispose] = Signer.prototype.free;
}

/** The records of a verified return URL: name, value, then a byte 1 if signed. */
function verifiedParams(m, len) {
  const params = [];
  const end = m.output + len;
  for (let at = m.output; at < end; ) {
    const nameLen = m.u32(at);
    const name = m.text(at + 4, nameLen);
    at += 4 + nameLen;
    const valueLen = m.u32(at);
    const value = m.text(at + 4, valueLen);
    at += 4 + valueLen;
    // Plain objects: freezing each cost more than the rest of this loop.
    params.push({ name, value, signed: m.mem[at] === 1 });
    at += 1;
  }
  return params;
}

/**
 * Writes parameters as name and value texts and returns how many: from
 * an array of pairs, URLSearchParams, a Map or a plain object.
 */
function writePairs(m, params) {
  if (params === undefined || params === null) return 0;
  if (Array.isArray(params)) {
    // The common form, written without a callback per pair.
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      if (!Array.isArray(p) || p.length !== 2) {
        throw new TicketmaticSignError(`params[${i}]: expected a [name, value] pair`, {
          field: "params",
          reason: "invalid_type",
          position: i,
        });
      }
      m.string(p[0], "params", i);
      m.string(valueText(p[1]), "params", i);
    }
    return params.length;
  }
  let count = 0;
  const pair = (name, value) => {
    m.string(name, "params", count);
    m.string(valueText(value), "params", count);
    count++;
  };
  if (params instanceof Map || (typeof URLSearchParams !== "undefined" && params instanceof URLSearchParams)) {
    for (const [name, value] of params) pair(name, value);
  } else if (typeof params === "object") {
    for (const name in params) {
      if (Object.prototype.hasOwnProperty.call(params, name)) pair(name, params[name]);
    }
  } else {
    throw new TicketmaticSignError("params: expected pairs, a plain object, a Map or URLSearchParams", {
      field: "params",
      reason: "invalid_type",
    });
  }
  return count;
}

/** Numbers and booleans are signed as they print; other non-strings are refused. */
function valueText(value) {
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    return String(value);
  }
  return value;
}

/** A return URL as text: a `URL` object's `href`; strings go to the crate as they are. */
function urlText(urlOrQuery) {
  if (typeof URL !== "undefined" && urlOrQuery instanceof URL) return urlOrQuery.href;
  return urlOrQuery; // a non-string is refused when written
}
