// Runs before `npm pack` / `npm publish`: the package carries the
// repository's licence files (copied, as npm leaves symbolic links out) and
// must carry a built module.
import { copyFileSync, existsSync } from "node:fs";

const js = new URL("..", import.meta.url);
for (const name of ["LICENSE-MIT", "LICENSE-APACHE"]) {
  copyFileSync(new URL(`../${name}`, js), new URL(name, js));
}
if (!existsSync(new URL("ticketmatic_sign.wasm", js))) {
  console.error("prepack: ticketmatic_sign.wasm is missing: run `npm run build` first");
  process.exit(1);
}
