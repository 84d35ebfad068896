// Node ESM, as a user of the installed package writes it.
import assert from "node:assert/strict";

import { DEFAULT_BASE_URL, init, Signer, TicketmaticSignError } from "ticketmatic-sign";

await init();

// Ticketmatic's widget documentation.
const widgets = new Signer({ accessKey: "azertyuiop", secretKey: "qsdfghjklm", account: "myaccountname" });
const params = [["event", "123"], ["l", "fr"], ["returnurl", "http://www.ticketmatic.com"], ["skinid", "25"]];
assert.equal(widgets.widgetSignature(params), "0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8");
assert.ok(widgets.widgetUrl("addtickets", params).startsWith(`${DEFAULT_BASE_URL}/widgets/myaccountname/addtickets?event=123&`));

// SPEC 2: key xyz, secret xyz, account ticketmatic.
const api = new Signer({ accessKey: "xyz", secretKey: "xyz", account: "ticketmatic" });
assert.equal(
  api.authorization(1501346446),
  "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590",
);

const shop = new Signer({
  accessKey: "142dda885ec6024f934a40c1",
  secretKey: "abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784",
  account: "club",
});
const returned =
  "https://shop.example/done?orderid=2715&status=ok&accesskey=142dda885ec6024f934a40c1&signature=313e4ce1ea0da73a2cf4b83d72f43c4ae832f3f0d66b6047d9892cef6f6f5658";
assert.deepEqual(shop.verifyReturnUrl(returned), {
  valid: true,
  params: [
    { name: "orderid", value: "2715", signed: true },
    { name: "status", value: "ok", signed: true },
  ],
});
assert.equal(shop.verifyReturnUrl(returned.replace("2715", "2716")).reason, "signature_mismatch");

assert.throws(() => new Signer({ accessKey: "abc\r\n", secretKey: "s", account: "a" }), TicketmaticSignError);
console.log("node: the installed package signs as documented");
