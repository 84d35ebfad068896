// Entry point for Node: the module is read from the package's own folder.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

import { instantiate, instantiateSync, isReady } from "./signer.js";

export { DEFAULT_BASE_URL, Signer, TicketmaticSignError } from "./signer.js";

const MODULE = new URL("../ticketmatic_sign.wasm", import.meta.url);

/** Loads the module (from the package, unless given bytes, a Module or a Response). Idempotent. */
export async function init(source) {
  if (source === undefined && isReady()) return;
  await instantiate(source ?? readFile(MODULE));
}

/** Loads the module synchronously (from the package, unless given bytes or a Module). */
export function initSync(source) {
  if (source === undefined && isReady()) return;
  instantiateSync(source ?? readFileSync(MODULE));
}
