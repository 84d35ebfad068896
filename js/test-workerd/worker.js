// A Worker that uses the package through its `workerd` entry, as a Workers
// bundler would resolve it, and answers with what it computed.
import { init, Signer, TicketmaticSignError } from "../src/workerd.js";

export default {
  async fetch() {
    await init();
    const widgets = new Signer({ accessKey: "azertyuiop", secretKey: "qsdfghjklm", account: "myaccountname" });
    const params = [["event", "123"], ["l", "fr"], ["returnurl", "http://www.ticketmatic.com"], ["skinid", "25"]];
    const api = new Signer({ accessKey: "xyz", secretKey: "xyz", account: "ticketmatic" });
    let error = null;
    try {
      widgets.widgetSignature([["a", "1"], ["a", "2"]]);
    } catch (e) {
      error = { isTicketmaticSignError: e instanceof TicketmaticSignError, field: e.field, reason: e.reason, message: e.message };
    }
    // Why the entry exists: compiling WebAssembly from bytes is refused here.
    let compileFromBytes = "allowed";
    try {
      await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    } catch (e) {
      compileFromBytes = `refused: ${e.message}`;
    }
    return Response.json({
      url: widgets.widgetUrl("addtickets", params),
      header: api.authorization(1501346446),
      error,
      compileFromBytes,
    });
  },
};
