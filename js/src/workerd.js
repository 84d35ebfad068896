// Entry point for Cloudflare Workers (workerd): compiling WebAssembly from
// bytes is refused there, so the module is imported as a module, which the
// Workers bundler turns into a WebAssembly.Module.
import wasmModule from "../ticketmatic_sign.wasm";

import { instantiateSync, isReady } from "./signer.js";

export { DEFAULT_BASE_URL, Signer, TicketmaticSignError } from "./signer.js";

/** Loads the module that was imported with this file. Idempotent. */
export async function init() {
  initSync();
}

/** Loads the module that was imported with this file (or the Module given). */
export function initSync(module) {
  if (module === undefined && isReady()) return;
  instantiateSync(module ?? wasmModule);
}
