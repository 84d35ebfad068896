#!/usr/bin/env python3
"""A tm-conformance/1 adapter: Ticketmatic request signing in Python's
standard library, written from SPEC.md alone.

    tm conformance run -- python3 conformance/adapters/python/adapter.py

To test your own implementation, copy this file and replace the bodies of
`authorization`, `widget` and `return_url` with calls into your code. Raise
`Refused` (or let your code's own error for invalid input become one) where
your implementation rejects the inputs; any other exception crashes the
adapter, and the runner reports that as a failure with the traceback.

TM_ADAPTER_DEFECT=<name>[,<name>...] switches on mistakes real clients have
made, to see the runner catch them: numeric-sort, sign-l, encode-values,
hour-off, upper-case-signature, plus-in-url, raw-names (names and the access
key left unencoded in widget URLs, as tm-php does), refuse-nothing (no input
is refused), no-payload (answers carry no payload), php-parse-str (return
URLs read as PHP's parse_str reads them, as tm-php does).
"""
import datetime
import functools
import hashlib
import hmac
import json
import os
import sys
import urllib.parse

DEFECTS = frozenset(filter(None, os.environ.get("TM_ADAPTER_DEFECT", "").split(",")))
BASE_URL = "https://apps.ticketmatic.com"
UNSIGNED = ("ordercode",) if "sign-l" in DEFECTS else ("l", "ordercode")
UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
LAST_SECOND = 253402300799  # 9999-12-31T23:59:59


class Refused(ValueError):
    """The implementation rejects the inputs."""


def refuse(why):
    """Refuses the inputs, unless the refuse-nothing defect is on."""
    if "refuse-nothing" not in DEFECTS:
        raise Refused(why)


def sign(secret, message):
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def encode(text):
    """RFC 3986: unreserved characters stay, every other byte is %XX."""
    if "plus-in-url" in DEFECTS:
        return urllib.parse.quote_plus(text, safe="")
    return urllib.parse.quote(text, safe="")


def check_keys(access_key, secret_key):
    if not access_key or any(c in access_key for c in "\r\n "):
        refuse("access key: empty, or holds a CR, LF or space")
    if not secret_key:
        refuse("secret key: empty")


def check_segment(what, text):
    if not text or text in (".", "..") or any(b not in UNRESERVED for b in text.encode()):
        refuse(f"{what}: not a plain path segment")


def timestamp(case):
    if "unix_time" in case:
        secs = case["unix_time"]
        if "hour-off" in DEFECTS:
            secs += 3600
        if not 0 <= secs <= LAST_SECOND:
            refuse("unix_time: outside 1970 to 9999")
            secs = min(max(secs, 0), LAST_SECOND)
        when = datetime.datetime.fromtimestamp(secs, tz=datetime.timezone.utc)
    else:
        when = datetime.datetime.strptime(case["timestamp"], "%Y-%m-%dT%H:%M:%S")
    return when.strftime("%Y-%m-%dT%H:%M:%S").rjust(19, "0")


def canonical(params):
    """name ++ value of the signed parameters, sorted by the names' UTF-8 bytes."""
    signed = [(n, v) for n, v in params if n not in UNSIGNED]
    if DEFECTS & {"numeric-sort", "php-parse-str"}:
        signed.sort(key=functools.cmp_to_key(php_ksort))
    else:
        signed.sort(key=lambda p: p[0].encode())
    if "encode-values" in DEFECTS:
        return "".join(n + encode(v) for n, v in signed)
    return "".join(n + v for n, v in signed)


def php_ksort(a, b):
    """PHP turns numeric names into integers before ksort (the defect)."""
    x, y = a[0], b[0]
    if x.isdigit() and y.isdigit():
        x, y = int(x), int(y)
    return (x > y) - (x < y)


def authorization(case):
    check_keys(case["access_key"], case["secret_key"])
    ts = timestamp(case)
    payload = case["access_key"] + case["account"] + ts
    header = f"TM-HMAC-SHA256 key={case['access_key']} ts={ts} sign={sign(case['secret_key'], payload)}"
    return with_payload({"timestamp": ts, "header": header}, payload)


def widget(case):
    key, account, params = case["access_key"], case["account"], case["params"]
    check_keys(key, case["secret_key"])
    check_segment("account", account)
    check_segment("widget", case["widget"])
    names = [name for name, _ in params]
    if len(set(names)) != len(names):
        refuse("params: a name appears more than once")
    if "accesskey" in names or "signature" in names:
        refuse("params: accesskey and signature are added by the signer")
    payload = key + account + canonical(params)
    signature = sign(case["secret_key"], payload)
    raw = "raw-names" in DEFECTS
    query = "".join(f"{n if raw else encode(n)}={encode(v)}&" for n, v in params)
    url = (f"{BASE_URL}/widgets/{account}/{case['widget']}?{query}"
           f"accesskey={key if raw else encode(key)}&signature={signature}")
    return with_payload({"signature": signature, "url": url}, payload)


def with_payload(output, payload):
    """The output, with the signed text unless the no-payload defect is on. A
    text that is not UTF-8 (lone surrogates: bytes decoded with
    surrogateescape) cannot be a JSON string: it goes as payload_hex."""
    if "no-payload" not in DEFECTS:
        try:
            payload.encode("utf-8")
            output["payload"] = payload
        except UnicodeEncodeError:
            output["payload_hex"] = payload.encode("utf-8", "surrogateescape").hex()
    return output


def form_decode(text):
    """'+' is a space, %XX a byte in either hex case; the bytes must be UTF-8."""
    out, i, raw = bytearray(), 0, text.encode()
    while i < len(raw):
        if raw[i] == ord("%"):
            digits = raw[i + 1:i + 3]
            if len(digits) != 2 or not all(chr(d) in "0123456789abcdefABCDEF" for d in digits):
                refuse(f"query: '%' at {text!r} is not followed by two hex digits")
                out.append(raw[i])
                i += 1
                continue
            out.append(int(digits, 16))
            i += 3
        else:
            out.append(ord(" ") if raw[i] == ord("+") else raw[i])
            i += 1
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        refuse(f"query: {text!r} does not decode to UTF-8")
        return out.decode("utf-8", "replace")


def php_parse_str_name(name):
    """The key PHP's parse_str stores a name under, and whether it makes an
    array: '.' and spaces become '_', 'a[b]' is the array 'a', an unclosed
    '[' becomes '_' (the php-parse-str defect)."""
    name = name.lstrip(" ")
    out = ""
    for at, c in enumerate(name):
        if c in " .":
            out += "_"
        elif c == "[" and "]" in name[at + 1:]:
            return out, True
        elif c == "[":
            return out + "_" + name[at + 1:], False
        else:
            out += c
    return out, False


def return_url(case):
    check_keys(case["access_key"], case["secret_key"])
    check_segment("account", case["account"])
    params = {}
    for pair in case["query"].split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        name, value = form_decode(name), form_decode(value)
        if "php-parse-str" in DEFECTS:
            name, array = php_parse_str_name(name)
            if not name:
                continue
            params[name] = "Array" if array else value
            continue
        if name in params:
            refuse(f"query: {name!r} appears more than once")
        params[name] = value
    given_key, given_signature = params.pop("accesskey", None), params.pop("signature", None)
    payload = case["access_key"] + case["account"] + canonical(params.items())
    if given_key != case["access_key"]:
        return with_payload({"valid": False, "error_kind": "bad_access_key"}, payload)
    if given_signature is None:
        return with_payload({"valid": False, "error_kind": "signature_missing"}, payload)
    if "upper-case-signature" in DEFECTS:
        given_signature = given_signature.lower()
    if not hmac.compare_digest(sign(case["secret_key"], payload).encode(), given_signature.encode()):
        return with_payload({"valid": False, "error_kind": "signature_mismatch"}, payload)
    return with_payload({"valid": True}, payload)


KINDS = {"authorization": authorization, "widget": widget, "return_url": return_url}


def answer(message):
    if message["cmd"] == "start":
        return {"implementation": {"name": "python-stdlib-adapter", "language": "Python",
                                   "version": sys.version.split()[0]},
                "kinds": list(KINDS)}
    case = message["case"]
    try:
        return {"seq": message["seq"], "output": KINDS[case["kind"]](case)}
    except Refused as refusal:
        return {"seq": message["seq"], "refused": str(refusal)}


def main():
    for line in sys.stdin:
        message = json.loads(line)
        if message["cmd"] == "stop":
            return
        if message["cmd"] == "start" and message.get("protocol") != "tm-conformance/1":
            sys.exit(f"adapter: speaks tm-conformance/1, not {message.get('protocol')!r}")
        if message["cmd"] not in ("start", "run"):
            sys.exit(f"adapter: unknown command {message['cmd']!r}")
        print(json.dumps(answer(message)), flush=True)


if __name__ == "__main__":
    main()
