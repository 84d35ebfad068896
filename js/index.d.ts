/**
 * Ticketmatic request signing: `Authorization` headers for API requests,
 * signed widget URLs, and return-URL verification. The Rust crate
 * `ticketmatic-sign` does the work, compiled to WebAssembly; everything is
 * synchronous once the module is loaded.
 *
 * ```js
 * import { init, Signer } from "ticketmatic-sign";
 * await init();
 * const signer = new Signer({ accessKey, secretKey, account: "myaccount" });
 * fetch(url, { headers: { Authorization: signer.authorization() } });
 * ```
 * @module
 */

/** Where widget URLs point unless `baseUrl` says otherwise: "https://apps.ticketmatic.com". */
export const DEFAULT_BASE_URL: string;

/**
 * Loads the WebAssembly module. In Node it is read from the package; in a
 * browser it is fetched from beside the package's files unless `source` is
 * given (a URL, a `Response`, the bytes, or a compiled `WebAssembly.Module`);
 * in Cloudflare Workers it is the module imported by the package. Calling it
 * again without `source` does nothing.
 */
export function init(source?: string | URL | Response | Promise<Response> | BufferSource | WebAssembly.Module): Promise<void>;

/**
 * Loads the WebAssembly module synchronously from its bytes or a compiled
 * `WebAssembly.Module` (in Node and Workers `source` may be left out).
 */
export function initSync(source?: BufferSource | WebAssembly.Module): void;

/** What the library refused, and why. Every error the package throws is one. */
export class TicketmaticSignError extends Error {
  name: "TicketmaticSignError";
  /**
   * The input, as the Rust crate names it in every face (SPEC section 7):
   * "access_key", "secret_key", "account", "base_url", "widget", "params",
   * "timestamp", "return_url", "signature", "output"; and this package's
   * own "input" (all inputs of one call) and "options".
   */
  field: string;
  /**
   * A stable code, the crate's: "empty", "too_long", "invalid_byte",
   * "dot_segment", "duplicate_name", "reserved_name", "timestamp_syntax",
   * "invalid_date", "time_out_of_range", "unsupported_scheme",
   * "invalid_host", "user_info", "invalid_port", "bad_escape",
   * "invalid_utf8", "no_query", "buffer_too_small"; from return URLs also
   * "bad_access_key", "signature_missing", "signature_mismatch"; and this
   * package's own "too_large", "invalid_type", "invalid_utf16", and
   * "freed" (a signer used after `free()`).
   */
  reason: string;
  /** For "params": the parameter's index; for other inputs the byte offset where the problem starts. */
  position?: number;
  /** For the crate's refusals: true when a return URL was read and is not signed by this key pair. */
  verdict?: boolean;
}

/** Widget parameters: `[name, value]` pairs (order kept in the URL), a plain object, a `Map` or `URLSearchParams`. Numbers and booleans are signed as they print. */
export type WidgetParams =
  | ReadonlyArray<readonly [string, string | number | boolean]>
  | Readonly<Record<string, string | number | boolean>>
  | ReadonlyMap<string, string | number | boolean>
  | URLSearchParams;

/**
 * When a request is made: Unix seconds (fractions are dropped), a `Date`, or
 * UTC text `"YYYY-MM-DDTHH:MM:SS"` (a trailing `Z` is fine). Leaving it out means now.
 */
export type Time = number | bigint | Date | string;

export interface SignerOptions {
  /** The access key: 1 to 64 bytes of visible ASCII without spaces. */
  accessKey: string;
  /** The secret key, as text (signed as UTF-8) or bytes. */
  secretKey: string | Uint8Array;
  /** The account's short name (a URL path segment); "" for calls without an account. */
  account?: string;
  /**
   * Where widget URLs point; default "https://apps.ticketmatic.com". `https://`
   * or `http://`, a host, optional port and path; anything else is refused.
   */
  baseUrl?: string;
}

/** A parameter of a verified return URL, decoded as it was verified. */
export interface VerifiedParam {
  readonly name: string;
  readonly value: string;
  /** false for `l` and `ordercode`: no signature covers them, so do not trust them as the others. */
  readonly signed: boolean;
}

/** The result of `verifyReturnUrl`. */
export type ReturnUrlVerdict =
  | {
      valid: true;
      /** The parameters in the query's order, without `accesskey` and `signature`. */
      params: ReadonlyArray<VerifiedParam>;
    }
  | {
      valid: false;
      /** "invalid": well-formed, but not signed by this key pair (or changed); "malformed": the query cannot be decoded. */
      kind: "invalid" | "malformed";
      /** "signature_mismatch", "signature_missing", "bad_access_key", or for malformed URLs "no_query", "bad_escape", "invalid_utf8", "duplicate_name". */
      reason: string;
      /** "return_url", or "signature" for "signature_mismatch" (the crate's field). */
      field: string;
      /** The library's message, for people. */
      message: string;
      /** Byte offset in the URL as given where the problem starts, when there is one. */
      position?: number;
    };

/**
 * Signs for one key pair and account. Construction checks the inputs (throws
 * `TicketmaticSignError`) and keys the HMAC once, inside the module, which
 * keeps 64 signers keyed at once; signers beyond that work the same but key
 * the HMAC for each call until a place is free. Make one per key pair, not
 * one per request.
 */
export class Signer {
  constructor(options: SignerOptions);
  /**
   * Gives the signer's place in the module back at once (the garbage
   * collector does it later otherwise); the signer then refuses to sign
   * (reason "freed"). Calling it again does nothing. Where the runtime has
   * `Symbol.dispose`, `signer[Symbol.dispose]` is `free` (not typed here:
   * the symbol is not in every TypeScript `lib`).
   */
  free(): void;
  readonly accessKey: string;
  readonly account: string;
  /** The base URL of widget URLs, without a trailing "/". */
  readonly baseUrl: string;

  /** The `Authorization` header value: `TM-HMAC-SHA256 key=… ts=… sign=…`. */
  authorization(time?: Time): string;
  /** The widget signature: 64 lower-case hex digits. `l` and `ordercode` are not signed. */
  widgetSignature(params: WidgetParams): string;
  /** The signed URL of `widget` (for example "addtickets"), parameters in the order given. */
  widgetUrl(widget: string, params: WidgetParams): string;
  /** Verifies a return URL, or just its query string. */
  verifyReturnUrl(urlOrQuery: string | URL): ReturnUrlVerdict;
  /** The exact text the `Authorization` header signs: access key, account, timestamp. */
  explainHeader(time?: Time): string;
  /** The exact text the widget signature signs: access key, account, then sorted names and raw values. */
  explainWidget(params: WidgetParams): string;
  /** The exact text a return URL's signature should sign. Throws if the query is malformed. */
  explainReturnUrl(urlOrQuery: string | URL): string;
}
