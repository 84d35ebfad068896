// Type-checked (never run) by `npm run test:types`: the README's uses of the
// package must compile against index.d.ts under --strict, and misuses must not.
import { DEFAULT_BASE_URL, init, initSync, Signer, TicketmaticSignError, type ReturnUrlVerdict } from "ticketmatic-sign";

export async function uses(bytes: Uint8Array, module: WebAssembly.Module): Promise<string[]> {
  await init();
  await init(new URL("https://example.com/ticketmatic_sign.wasm"));
  initSync(bytes);
  initSync(module);
  const signer = new Signer({ accessKey: "k", secretKey: new Uint8Array([1]), account: "a", baseUrl: DEFAULT_BASE_URL });
  const verdict: ReturnUrlVerdict = signer.verifyReturnUrl(new URL("https://shop.example/?a=1"));
  const reason: string = verdict.valid ? "" : `${verdict.kind} ${verdict.reason} ${verdict.message} ${verdict.position ?? ""}`;
  try {
    signer.widgetSignature({ a: 1, b: true });
  } catch (e) {
    if (e instanceof TicketmaticSignError) return [e.field, e.reason, String(e.position ?? "")];
  }
  const outputs = [
    signer.authorization(),
    signer.authorization(new Date()),
    signer.authorization("2017-07-29T16:40:46"),
    signer.authorization(1n),
    signer.widgetUrl("addtickets", [["event", "123"]]),
    signer.widgetUrl("addtickets", new URLSearchParams("a=1")),
    signer.widgetUrl("addtickets", new Map([["a", "1"]])),
    signer.explainHeader(0),
    signer.explainWidget({}),
    signer.explainReturnUrl("a=1"),
    reason,
  ];
  signer.free();
  return outputs;
}

export function misuses(signer: Signer): void {
  // @ts-expect-error: the access key is required
  new Signer({ secretKey: "s" });
  // @ts-expect-error: parameters are not a string
  signer.widgetSignature("a=1");
  // @ts-expect-error: a signer is read-only
  signer.accessKey = "other";
}
