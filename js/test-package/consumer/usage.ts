// A typed caller of the installed package: must compile under --strict
// with moduleResolution bundler and node16.
import { init, Signer, TicketmaticSignError, type ReturnUrlVerdict, type WidgetParams } from "ticketmatic-sign";

await init();
const signer = new Signer({ accessKey: "azertyuiop", secretKey: new Uint8Array([113]), account: "myaccountname" });
const params: WidgetParams = { event: 123, l: "fr" };
const url: string = signer.widgetUrl("addtickets", params);
const header: string = signer.authorization(new Date());
const verdict: ReturnUrlVerdict = signer.verifyReturnUrl(new URL(url));
if (!verdict.valid) {
  const reason: string = verdict.reason;
  const position: number | undefined = verdict.position;
  console.log(reason, position);
}
try {
  signer.widgetSignature([["signature", "x"]]);
} catch (e) {
  if (e instanceof TicketmaticSignError) {
    const field: string = e.field;
    console.log(field, e.reason, e.position ?? -1);
  }
}
console.log(header);
