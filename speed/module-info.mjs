// Which module a run measured, printed to stderr beside its figures: a
// module left in js/ by an experiment is measured as readily as a fresh
// build (it happened: a session's first runs timed one with SHA-256 at
// opt-level 3), and its size and time say which it was.
import { statSync } from "node:fs";

/** Writes "what: N bytes, modified T" for the `.wasm` at `path` to stderr. */
export function reportModule(what, path) {
  const { size, mtime } = statSync(path);
  console.error(`${what}: ${size.toLocaleString("en")} bytes, modified ${mtime.toISOString()} (${path})`);
}
