// Entry point for browsers (and Deno, Bun): the module is fetched from next
// to the package's files, unless given.
import { instantiate, instantiateSync, isReady } from "./signer.js";

export { DEFAULT_BASE_URL, Signer, TicketmaticSignError } from "./signer.js";

/**
 * Loads the module: from `source` (a URL, a Response, bytes or a
 * WebAssembly.Module), else from ticketmatic_sign.wasm beside the package.
 * Idempotent.
 */
export async function init(source) {
  if (source === undefined && isReady()) return;
  source ??= new URL("../ticketmatic_sign.wasm", import.meta.url);
  if (typeof source === "string" || source instanceof URL) source = fetch(source);
  await instantiate(source);
}

/** Loads the module synchronously from bytes or a WebAssembly.Module. */
export function initSync(source) {
  if (source === undefined) {
    if (isReady()) return;
    throw new TypeError("initSync: in a browser, pass the module's bytes or a WebAssembly.Module");
  }
  instantiateSync(source);
}
