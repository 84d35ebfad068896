"""Writes parity.json: one table of inputs that every face of this project
(the crate, `tm`, the Python package, the JavaScript package, the C ABI) must
accept or refuse alike, with the same reason code, field and position
(SPEC section 7). Each face's driver reads this file and fails on any case
it disagrees with:

    python3 tests/parity/make-parity.py > tests/parity/parity.json

Expected values come from here, not from the code under test: outputs that
sign are computed with Python's hmac and a plain RFC 3986 encoder written
from SPEC sections 1-3; refusals (reason, field, position) are written out
by hand from SPEC section 7 and the crate's documented contract.

Format "ticketmatic-sign-parity/1":
  {"format", "signer": DEFAULT_SIGNER, "cases": [CASE, ...]}
  CASE: {"id", "op", "signer": {overrides of DEFAULT_SIGNER}, inputs...,
         "expect": {"ok": {...}} or {"refused": {"reason", "field", "position"}},
         "only": [faces] (optional: inputs only some faces can carry)}
  ops and their inputs -> ok outputs:
    signer              (the signer's inputs only)   -> {"base_url"}
    timestamp           "text"                       -> {"ts", "unix"}
    unix_time           "unix"                       -> {"ts"}
    widget_url          "widget", "params"           -> {"url"}
    return_url          "url"                        -> {"params": [[name, value, signed]]}
    authorization_check "header", "account", "now_unix", "window_secs" -> {}
  A signer's texts may be {"utf16": [code units]} (a JS string no UTF-8 can
  carry) or {"hex": "..."} (bytes that are not UTF-8), for the faces named
  in "only".
"""
import calendar
import hashlib
import hmac
import json
import time

DOC = {"access_key": "azertyuiop", "secret_key": "qsdfghjklm", "account": "myaccountname"}
RETURN = {"access_key": "142dda885ec6024f934a40c1",
          "secret_key": "abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784", "account": "club"}
BASE = "https://apps.ticketmatic.com"
UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

cases = []


def case(id, op, expect, signer=None, only=None, **inputs):
    c = {"id": id, "op": op}
    if signer:
        c["signer"] = signer
    c.update(inputs)
    c["expect"] = expect
    if only:
        c["only"] = only
    assert all(x["id"] != id for x in cases), id
    cases.append(c)


def ok(**outputs):
    return {"ok": outputs}


def refused(reason, field, position=None):
    return {"refused": {"reason": reason, "field": field, "position": position}}


# ----- A plain reference of SPEC sections 1-3 ---------------------------------

def sign(secret, text):
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def encode(text):
    return "".join(chr(b) if b in UNRESERVED else "%%%02X" % b for b in text.encode())


def widget_url(widget, params, keys=DOC, base=BASE):
    signed = sorted(((n, v) for n, v in params if n not in ("l", "ordercode")), key=lambda p: p[0].encode())
    signature = sign(keys["secret_key"], keys["access_key"] + keys["account"] + "".join(n + v for n, v in signed))
    query = "".join(f"{encode(n)}={encode(v)}&" for n, v in params)
    return f"{base}/widgets/{keys['account']}/{widget}?{query}accesskey={encode(keys['access_key'])}&signature={signature}"


def return_query(params, keys=RETURN):
    """A return URL's query as Ticketmatic writes it: the parameters, then accesskey and signature."""
    signed = sorted(((n, v) for n, v in params if n not in ("l", "ordercode")), key=lambda p: p[0].encode())
    signature = sign(keys["secret_key"], keys["access_key"] + keys["account"] + "".join(n + v for n, v in signed))
    query = "".join(f"{encode(n)}={encode(v)}&" for n, v in params)
    return f"{query}accesskey={keys['access_key']}&signature={signature}"


def header(keys, account, ts):
    return f"TM-HMAC-SHA256 key={keys['access_key']} ts={ts} sign={sign(keys['secret_key'], keys['access_key'] + account + ts)}"


def unix(ts):
    return calendar.timegm(time.strptime(ts, "%Y-%m-%dT%H:%M:%S"))


# ----- The signer's inputs: access key, secret, account, base URL -------------

case("access-key-plain", "signer", ok(base_url=BASE))
case("access-key-64-bytes", "signer", ok(base_url=BASE), signer={"access_key": "k" * 64})
case("access-key-65-bytes", "signer", refused("too_long", "access_key"), signer={"access_key": "k" * 65})
case("access-key-empty", "signer", refused("empty", "access_key"), signer={"access_key": ""})
case("access-key-space", "signer", refused("invalid_byte", "access_key", 3), signer={"access_key": "abc def"})
case("access-key-crlf", "signer", refused("invalid_byte", "access_key", 3), signer={"access_key": "abc\r\nX-Evil: 1"})
case("access-key-tab", "signer", refused("invalid_byte", "access_key", 0), signer={"access_key": "\tabc"})
case("access-key-nul", "signer", refused("invalid_byte", "access_key", 1), signer={"access_key": "a\u0000"})
case("access-key-del", "signer", refused("invalid_byte", "access_key", 2), signer={"access_key": "ab\u007f"})
case("access-key-non-ascii", "signer", refused("invalid_byte", "access_key", 2), signer={"access_key": "clé"})
case("access-key-punctuation", "signer", ok(base_url=BASE), signer={"access_key": "k&=%+/?#!~"})
case("secret-key-empty", "signer", refused("empty", "secret_key"), signer={"secret_key": ""})
case("secret-key-utf8", "signer", ok(base_url=BASE), signer={"secret_key": "sécret 🎭"})
case("account-empty", "signer", ok(base_url=BASE), signer={"account": ""})
case("account-64-bytes", "signer", ok(base_url=BASE), signer={"account": "a" * 64})
case("account-65-bytes", "signer", refused("too_long", "account"), signer={"account": "a" * 65})
case("account-slash", "signer", refused("invalid_byte", "account", 2), signer={"account": "my/acct"})
case("account-question-mark", "signer", refused("invalid_byte", "account", 4), signer={"account": "acct?x"})
case("account-space", "signer", refused("invalid_byte", "account", 0), signer={"account": " acct"})
case("account-non-ascii", "signer", refused("invalid_byte", "account", 0), signer={"account": "écrin"})
case("account-dot", "signer", refused("dot_segment", "account"), signer={"account": "."})
case("account-dot-dot", "signer", refused("dot_segment", "account"), signer={"account": ".."})
case("account-dots-in-name", "signer", ok(base_url=BASE), signer={"account": "a.b~c_d-e"})

# SPEC 7: https or http, a host, optional port and path; nothing else, never rewritten.
for id, given, kept in [
    ("base-url-default", BASE, BASE),
    ("base-url-trailing-slash", BASE + "/", BASE),
    ("base-url-loopback-port", "http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
    ("base-url-ipv6", "http://[::1]:8080/tm", "http://[::1]:8080/tm"),
    ("base-url-path", "https://proxy.example/tm/api", "https://proxy.example/tm/api"),
    ("base-url-port-65535", "http://x.example:65535", "http://x.example:65535"),
    ("base-url-path-escape", "https://x.example/a%2Fb", "https://x.example/a%2Fb"),
    ("base-url-128-bytes", "https://x.example/" + "p" * 110, "https://x.example/" + "p" * 110),
]:
    assert len(given) <= 129
    case(id, "signer", ok(base_url=kept), signer={"base_url": given})
for id, given, expect in [
    ("base-url-empty", "", refused("empty", "base_url")),
    ("base-url-javascript", "javascript:alert(1)", refused("unsupported_scheme", "base_url")),
    ("base-url-ftp", "ftp://x.example", refused("unsupported_scheme", "base_url")),
    ("base-url-data", "data:text/html,hi", refused("unsupported_scheme", "base_url")),
    ("base-url-no-scheme", "apps.ticketmatic.com", refused("unsupported_scheme", "base_url")),
    ("base-url-upper-case-scheme", "HTTPS://x.example", refused("unsupported_scheme", "base_url")),
    ("base-url-no-host", "https://", refused("invalid_host", "base_url", 8)),
    ("base-url-no-host-path", "https:///tm", refused("invalid_host", "base_url", 8)),
    ("base-url-bad-host", "https://x!y.example", refused("invalid_host", "base_url", 9)),
    ("base-url-unclosed-ipv6", "http://[::1", refused("invalid_host", "base_url", 11)),
    ("base-url-user-info", "https://me@x.example", refused("user_info", "base_url", 10)),
    ("base-url-user-password", "https://me:pw@x.example/", refused("user_info", "base_url", 13)),
    ("base-url-port-empty", "http://x.example:", refused("invalid_port", "base_url", 17)),
    ("base-url-port-zero", "http://x.example:0", refused("invalid_port", "base_url", 17)),
    ("base-url-port-65536", "http://x.example:65536", refused("invalid_port", "base_url", 17)),
    ("base-url-port-letters", "http://x.example:80a", refused("invalid_port", "base_url", 17)),
    ("base-url-query", "https://x.example/?a=1", refused("invalid_byte", "base_url", 18)),
    ("base-url-fragment", "https://x.example#top", refused("invalid_byte", "base_url", 17)),
    ("base-url-space", "https://x.example/a b", refused("invalid_byte", "base_url", 19)),
    ("base-url-crlf", "http://x\r\n.example", refused("invalid_byte", "base_url", 8)),
    ("base-url-tab", "http://x.example/\t", refused("invalid_byte", "base_url", 17)),
    ("base-url-nul", "http://x.example\u0000", refused("invalid_byte", "base_url", 16)),
    ("base-url-non-ascii", "https://x.example/é", refused("invalid_byte", "base_url", 18)),
    ("base-url-bad-escape", "https://x.example/%zz", refused("invalid_byte", "base_url", 18)),
    ("base-url-angle-bracket", "https://x.example/<script>", refused("invalid_byte", "base_url", 18)),
    ("base-url-129-bytes", "https://x.example/" + "p" * 111, refused("too_long", "base_url")),
]:
    case(id, "signer", expect, signer={"base_url": given})

# Texts no UTF-8 can carry, in the faces that can be given them.
case("access-key-lone-surrogate", "signer", refused("invalid_utf16", "access_key", None), only=["js"],
     signer={"access_key": {"utf16": [0x61, 0xD800]}})
case("base-url-lone-surrogate", "signer", refused("invalid_utf16", "base_url", None), only=["js"],
     signer={"base_url": {"utf16": [0x68, 0xDC00]}})
case("access-key-not-utf8", "signer", refused("not_utf8", "access_key", None), only=["c"],
     signer={"access_key": {"hex": "61ff62"}})
case("account-not-utf8", "signer", refused("not_utf8", "account", None), only=["c"],
     signer={"account": {"hex": "c3"}})
# A secret is bytes; every face but tm (whose secret comes as text) takes bytes.
case("secret-key-bytes", "signer", ok(base_url=BASE), only=["crate", "python", "js", "c"],
     signer={"secret_key": {"hex": "ff0080"}})

# ----- Timestamps: text and Unix seconds --------------------------------------

for id, text, canonical in [
    ("timestamp-plain", "2017-07-29T16:40:46", "2017-07-29T16:40:46"),
    ("timestamp-z", "2017-07-29T16:40:46Z", "2017-07-29T16:40:46"),
    ("timestamp-leap-day", "2016-02-29T00:00:00", "2016-02-29T00:00:00"),
    ("timestamp-first", "1970-01-01T00:00:00", "1970-01-01T00:00:00"),
    ("timestamp-last", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59"),
]:
    case(id, "timestamp", ok(ts=canonical, unix=unix(canonical)), text=text)
for id, text, reason in [
    ("timestamp-empty", "", "timestamp_syntax"),
    ("timestamp-space", "2017-07-29 16:40:46", "timestamp_syntax"),
    ("timestamp-offset", "2017-07-29T16:40:46+00:00", "timestamp_syntax"),
    ("timestamp-fraction", "2017-07-29T16:40:46.000Z", "timestamp_syntax"),
    ("timestamp-lower-z", "2017-07-29T16:40:46z", "timestamp_syntax"),
    ("timestamp-two-z", "2017-07-29T16:40:46ZZ", "timestamp_syntax"),
    ("timestamp-lower-t", "2017-07-29t16:40:46", "timestamp_syntax"),
    ("timestamp-date-only", "2017-07-29", "timestamp_syntax"),
    ("timestamp-five-digit-year", "10000-01-01T00:00:00", "timestamp_syntax"),
    ("timestamp-not-leap", "2017-02-29T00:00:00", "invalid_date"),
    ("timestamp-month-13", "2017-13-01T00:00:00", "invalid_date"),
    ("timestamp-hour-24", "2017-07-29T24:00:00", "invalid_date"),
    ("timestamp-second-60", "2016-12-31T23:59:60", "invalid_date"),
    ("timestamp-before-1970", "1969-12-31T23:59:59", "time_out_of_range"),
]:
    case(id, "timestamp", refused(reason, "timestamp"), text=text)

for id, secs in [("unix-zero", 0), ("unix-doc", 1501346446), ("unix-last", 253402300799)]:
    case(id, "unix_time", ok(ts=time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs))), unix=secs)
for id, secs in [("unix-negative", -1), ("unix-after-9999", 253402300800), ("unix-i64-max", 2**63 - 1),
                 ("unix-i64-min", -(2**63))]:
    case(id, "unix_time", refused("time_out_of_range", "timestamp"), unix=secs)

# ----- Widget URLs --------------------------------------------------------------

DOC_PARAMS = [["event", "123"], ["l", "fr"], ["returnurl", "http://www.ticketmatic.com"], ["skinid", "25"]]
case("widget-doc", "widget_url", ok(url=widget_url("addtickets", DOC_PARAMS)), widget="addtickets", params=DOC_PARAMS)
for id, params in [
    ("widget-no-params", []),
    ("widget-reserved-characters", [["q", "a&b=c%d+e/f?g#h"], ["sp ace", "x y"]]),
    ("widget-unicode", [["naam", "é🎭"], ["日本", "語"]]),
    ("widget-empty-value", [["flag", ""], ["event", "1"]]),
    ("widget-unsigned-names", [["ordercode", "x"], ["l", "nl"], ["L", "signed"], ["Ordercode", "signed"], ["ref", "r"]]),
    ("widget-case-sensitive-reserved", [["Signature", "s"], ["AccessKey", "k"]]),
    ("widget-numeric-names", [["10", "a"], ["9", "b"], ["1a", "c"]]),
    ("widget-control-characters", [["v", "a\r\nb\t\u0000"]]),
]:
    case(id, "widget_url", ok(url=widget_url("addtickets", params)), widget="addtickets", params=params)
case("widget-base-url", "widget_url",
     ok(url=widget_url("addtickets", [["event", "1"]], base="http://127.0.0.1:8080/tm")),
     signer={"base_url": "http://127.0.0.1:8080/tm/"}, widget="addtickets", params=[["event", "1"]])
for id, widget, params, expect in [
    ("widget-name-empty", "", [], refused("empty", "widget")),
    ("widget-name-slash", "add/tickets", [], refused("invalid_byte", "widget", 3)),
    ("widget-name-dot-dot", "..", [], refused("dot_segment", "widget")),
    ("widget-name-query", "addtickets?x=1", [], refused("invalid_byte", "widget", 10)),
    ("widget-name-non-ascii", "wïdget", [], refused("invalid_byte", "widget", 1)),
    ("param-duplicate", "w", [["a", "1"], ["b", "2"], ["a", "3"]], refused("duplicate_name", "params", 2)),
    ("param-duplicate-unsigned", "w", [["l", "fr"], ["l", "nl"]], refused("duplicate_name", "params", 1)),
    ("param-reserved-accesskey", "w", [["event", "1"], ["accesskey", "x"]], refused("reserved_name", "params", 1)),
    ("param-reserved-signature", "w", [["signature", "x"]], refused("reserved_name", "params", 0)),
    ("param-name-empty", "w", [["event", "1"], ["", "x"]], refused("empty", "params", 1)),
]:
    case(id, "widget_url", expect, widget=widget, params=params)
case("widget-account-empty", "widget_url", refused("empty", "account"), signer={"account": ""},
     widget="addtickets", params=[["event", "1"]])

# ----- Return URLs ------------------------------------------------------------------

DOC_RETURN = ("orderid=2715&status=ok&accesskey=142dda885ec6024f934a40c1"
              "&signature=313e4ce1ea0da73a2cf4b83d72f43c4ae832f3f0d66b6047d9892cef6f6f5658")
assert return_query([["orderid", "2715"], ["status", "ok"]]) == DOC_RETURN
DOC_RETURN_PARAMS = [["orderid", "2715", True], ["status", "ok", True]]
for id, url in [
    ("return-query", DOC_RETURN),
    ("return-url", "https://shop.example/done?" + DOC_RETURN),
    ("return-url-fragment", "https://shop.example/done?" + DOC_RETURN + "#top"),
]:
    case(id, "return_url", ok(params=DOC_RETURN_PARAMS), signer=RETURN, url=url)
# Decoded as the server decodes them: %XX in either case, + as a space; l and ordercode unsigned.
decoded = [["naam", "a b&c"], ["l", "nl"], ["ordercode", "X1"], ["étape", "2"]]
query = return_query(decoded).replace("a%20b", "a+b").replace("%C3%A9", "%c3%a9")
case("return-decoded-unsigned", "return_url",
     ok(params=[["naam", "a b&c", True], ["l", "nl", False], ["ordercode", "X1", False], ["étape", "2", True]]),
     signer=RETURN, url="https://shop.example/done?" + query)
case("return-empty-pairs", "return_url", ok(params=DOC_RETURN_PARAMS), signer=RETURN, url="&&" + DOC_RETURN + "&")
for id, url, expect in [
    ("return-mismatch", DOC_RETURN.replace("2715", "2716"), refused("signature_mismatch", "signature")),
    ("return-upper-case-signature", DOC_RETURN.replace("313e4ce1ea", "313E4CE1EA"), refused("signature_mismatch", "signature")),
    ("return-signature-missing", DOC_RETURN.split("&signature=")[0], refused("signature_missing", "return_url")),
    ("return-accesskey-other", DOC_RETURN.replace("accesskey=142d", "accesskey=042d"), refused("bad_access_key", "return_url")),
    ("return-accesskey-missing", "orderid=2715&signature=00", refused("bad_access_key", "return_url")),
    ("return-no-query", "https://shop.example/done", refused("no_query", "return_url")),
    ("return-bad-escape", "a=1&b=%zz", refused("bad_escape", "return_url", 6)),
    ("return-bad-escape-in-url", "https://shop.example/done?a=%4", refused("bad_escape", "return_url", 28)),
    ("return-not-utf8", "a=1&b=%ff", refused("invalid_utf8", "return_url", 4)),
    ("return-duplicate-name", "a=1&a=2", refused("duplicate_name", "return_url", 4)),
    ("return-duplicate-after-decoding", "a+b=1&a%20b=2", refused("duplicate_name", "return_url", 6)),
]:
    case(id, "return_url", expect, signer=RETURN, url=url)

# ----- Header verification (a server's side) ---------------------------------------

TS = "2026-11-23T09:26:56"
NOW = unix(TS)
GOOD = header(RETURN, "club", TS)
for id, hdr, account, now, window, expect in [
    ("check-valid", GOOD, "club", NOW, 1800, ok()),
    ("check-no-account", header(RETURN, "", TS), "", NOW, 1800, ok()),
    ("check-window-edge", GOOD, "club", NOW + 1800, 1800, ok()),
    ("check-window-past", GOOD, "club", NOW + 1801, 1800, refused("timestamp_outside_window", "authorization")),
    ("check-wrong-account", GOOD, "other", NOW, 1800, refused("signature_mismatch", "signature")),
    ("check-unknown-key", header({**RETURN, "access_key": "unknown"}, "club", TS), "club", NOW, 1800,
     refused("unknown_access_key", "authorization")),
    # Where the header departs from the grammar: the Z where " sign=" should be.
    ("check-zone-suffix", GOOD.replace(TS, TS + "Z"), "club", NOW, 1800,
     refused("malformed_authorization", "authorization", GOOD.index(" sign="))),
    ("check-upper-hex", GOOD[:-64] + GOOD[-64:].upper(), "club", NOW, 1800,
     refused("malformed_authorization", "authorization", len(GOOD) - 64 + [c.isalpha() for c in GOOD[-64:]].index(True))),
    ("check-crlf", "TM-HMAC-SHA256 key=x\r\nEvil: 1", "club", NOW, 1800, refused("malformed_authorization", "authorization", 20)),
]:
    case(id, "authorization_check", expect, signer=RETURN, header=hdr, account=account, now_unix=now, window_secs=window)

json.dump({"format": "ticketmatic-sign-parity/1", "signer": DOC, "cases": cases}, __import__("sys").stdout,
          indent=1, ensure_ascii=False)
print()
