// The package's API: Signer, TicketmaticSignError and the loaders' shared
// part. Inputs are checked for JavaScript types here; everything about
// Ticketmatic's rules is decided by the Rust crate through src/wasm.js.

import { OP, TEXT_TIME, TicketmaticSignError, isReady, run, setInstance, text, utf8 } from "./wasm.js";

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
 * pair and account, as the Rust crate `ticketmatic-sign` does (it runs inside).
 */
export class Signer {
  #head;

  constructor(options) {
    if (options === null || typeof options !== "object") {
      throw new TicketmaticSignError("Signer: expected an object {accessKey, secretKey, account, baseUrl?}", {
        field: "options",
        reason: "invalid_type",
      });
    }
    const { accessKey, secretKey, account = "", baseUrl } = options;
    const secret = secretKey instanceof Uint8Array ? secretKey.slice() : utf8(secretKey, "secret_key");
    this.#head = [
      utf8(accessKey, "access_key"),
      secret,
      utf8(account, "account"),
      utf8(baseUrl === undefined ? DEFAULT_BASE_URL : baseUrl, "base_url"),
    ];
    // The crate checks the inputs and says what it keeps of the base URL.
    const keptBaseUrl = text(run(OP.CHECK, this.#head));
    /** The access key. */
    this.accessKey = accessKey;
    /** The account name ("" for calls without one). */
    this.account = account;
    /** The base URL of widget URLs, without a trailing "/". */
    this.baseUrl = keptBaseUrl;
    Object.freeze(this);
  }

  /** The `Authorization` header value for a request made at `time` (default: now). */
  authorization(time) {
    return text(this.#time(OP.AUTHORIZATION, time));
  }

  /** The text the `Authorization` header signs at `time`: access key, account, timestamp. */
  explainHeader(time) {
    return text(this.#time(OP.AUTHORIZATION_PAYLOAD, time));
  }

  /** The widget signature (64 lower-case hex digits) of these parameters. */
  widgetSignature(params) {
    return text(this.#params(OP.WIDGET_SIGNATURE, [], params));
  }

  /** The text the widget signature of these parameters signs. */
  explainWidget(params) {
    return text(this.#params(OP.WIDGET_PAYLOAD, [], params));
  }

  /** The signed URL of `widget` (for example "addtickets") with these parameters. */
  widgetUrl(widget, params) {
    return text(this.#params(OP.WIDGET_URL, [utf8(widget, "widget")], params));
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
    let bytes;
    try {
      bytes = run(OP.VERIFY_RETURN_URL, [...this.#head, utf8(urlText(urlOrQuery), "return_url")]);
    } catch (error) {
      // The crate's verdicts, and its refusals of the URL itself; anything
      // else (a wrong type, a URL too large for the module) is thrown.
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
    return { valid: true, params: verifiedParams(bytes) };
  }

  /** The text a return URL's signature should sign (what `verifyReturnUrl` compares). */
  explainReturnUrl(urlOrQuery) {
    return text(run(OP.RETURN_URL_PAYLOAD, [...this.#head, utf8(urlText(urlOrQuery), "return_url")]));
  }

  #time(op, time) {
    if (typeof time === "string") {
      return run(op, [...this.#head, utf8(time, "timestamp")], { unixTime: TEXT_TIME });
    }
    const seconds = time === undefined ? Date.now() / 1000 : time instanceof Date ? time.getTime() / 1000 : time;
    let unixTime;
    if (typeof seconds === "bigint") unixTime = seconds;
    else if (typeof seconds === "number" && Number.isFinite(seconds)) unixTime = BigInt(Math.floor(seconds));
    else {
      throw new TicketmaticSignError("timestamp: expected Unix seconds, a Date or 'YYYY-MM-DDTHH:MM:SS' text", {
        field: "timestamp",
        reason: "invalid_type",
      });
    }
    // Beyond i64 the call would wrap; anything that far out is out of range anyway.
    if (unixTime <= TEXT_TIME || unixTime >= 2n ** 63n) unixTime = TEXT_TIME + 1n;
    return run(op, this.#head, { unixTime });
  }

  #params(op, before, params) {
    const pairs = pairsOf(params);
    const records = [...this.#head, ...before];
    pairs.forEach(([name, value], i) => {
      records.push(utf8(name, "params", i), utf8(valueText(value), "params", i));
    });
    return run(op, records, { count: pairs.length });
  }
}

/** The records of a verified return URL: name, value, then a byte 1 if signed. */
function verifiedParams(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const params = [];
  let at = 0;
  const next = () => {
    const len = view.getUint32(at, true);
    const value = text(bytes.subarray(at + 4, at + 4 + len));
    at += 4 + len;
    return value;
  };
  while (at < bytes.length) {
    const name = next();
    const value = next();
    params.push(Object.freeze({ name, value, signed: bytes[at] === 1 }));
    at += 1;
  }
  return Object.freeze(params);
}

/** Parameters as [name, value] pairs: from an array of pairs, URLSearchParams, a Map or a plain object. */
function pairsOf(params) {
  if (params === undefined || params === null) return [];
  if (typeof URLSearchParams !== "undefined" && params instanceof URLSearchParams) return [...params];
  if (params instanceof Map) return [...params];
  if (Array.isArray(params)) {
    return params.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TicketmaticSignError(`params[${i}]: expected a [name, value] pair`, {
          field: "params",
          reason: "invalid_type",
          position: i,
        });
      }
      return pair;
    });
  }
  if (typeof params === "object") return Object.entries(params);
  throw new TicketmaticSignError("params: expected pairs, a plain object, a Map or URLSearchParams", {
    field: "params",
    reason: "invalid_type",
  });
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
  return urlOrQuery; // a non-string is refused by utf8()
}
