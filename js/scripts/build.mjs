// npm run build: builds ticketmatic_sign.wasm into js/ from the Rust crate,
// with Debian's rustc 1.63 (../.ci/old-cargo) and binaryen's wasm-opt, and
// writes debugger/standalone.html (the debugger page as one file, for
// file:// where browsers refuse to load module scripts). Installs nothing:
// says what is missing.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, renameSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { writeStandalone } from "./standalone.mjs";

const js = fileURLToPath(new URL("..", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));
const built = `${root}target/rust-1.63/target/wasm32-unknown-unknown/release/ticketmatic_sign_wasm.wasm`;
const out = `${js}ticketmatic_sign.wasm`;

// Rust's wasm32 layout puts the 1 MiB stack first, so the lowest 1 KiB of
// memory is touched only by a stack overflow (the module uses ~40 KiB), and a
// fresh instance's memory is zeroed: both assumptions let wasm-opt fold
// constants. They save about 1 KiB.
// The features are those wasm/.cargo/config.toml builds with, and sign
// extension, which wasm-opt uses where rustc 1.63 cannot be asked to (all
// three are WebAssembly 2.0, in every engine the package supports).
const WASM_OPT_FLAGS = [
  "-Oz",
  "--converge",
  "--low-memory-unused",
  "--zero-filled-memory",
  "--enable-bulk-memory",
  "--enable-nontrapping-float-to-int",
  "--enable-sign-ext",
];

function fail(message) {
  console.error(`build: ${message}`);
  process.exit(2);
}

const cargo = spawnSync(`${root}.ci/old-cargo`, ["wasm", "build", "--quiet", "--release", "--target", "wasm32-unknown-unknown"], {
  stdio: "inherit",
});
if (cargo.error) fail(`could not run .ci/old-cargo: ${cargo.error.message}`);
if (cargo.status !== 0) fail(`the Rust build failed (exit ${cargo.status})`);

const probe = spawnSync("wasm-opt", ["--version"]);
if (probe.error) fail("wasm-opt is missing: install binaryen (apt-get install binaryen)");
const tmp = `${out}.tmp`;
execFileSync("wasm-opt", [...WASM_OPT_FLAGS, built, "-o", tmp], { stdio: "inherit" });
renameSync(tmp, out);

const bytes = readFileSync(out);
const gzip = gzipSync(bytes, { level: 9 }).length;
console.log(
  `js/ticketmatic_sign.wasm: ${bytes.length} bytes (rustc ${readFileSync(built).length} bytes before wasm-opt), ${gzip} bytes gzipped`,
);
console.log(`js/${writeStandalone(js)}: written`);
