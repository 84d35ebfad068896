// A page's script, bundled by esbuild as an application would be: the
// module's URL comes from esbuild's file loader.
import { init, Signer } from "ticketmatic-sign";
import wasmUrl from "ticketmatic-sign/ticketmatic_sign.wasm";

const out = document.querySelector("#out");
try {
  await init(new URL(wasmUrl, import.meta.url));
  const signer = new Signer({ accessKey: "azertyuiop", secretKey: "qsdfghjklm", account: "myaccountname" });
  out.textContent = signer.widgetUrl("addtickets", [
    ["event", "123"],
    ["l", "fr"],
    ["returnurl", "http://www.ticketmatic.com"],
    ["skinid", "25"],
  ]);
} catch (e) {
  out.textContent = `error: ${e}`;
}
