"""Writes project-vectors.json: this project's own conformance vectors (the
shared file is kept as it is). Signatures are computed here with Python's
hmac module, independently of the Rust code.

    python3 tests/vectors/make-project-vectors.py > tests/vectors/project-vectors.json

Kind "authorization_check" (server-side verification of an Authorization
header): inputs access_key and secret_key (the one key pair the server
knows), account (from the request path), header, now_unix and window_secs.
expected: {"valid": true}, or {"valid": false, "error_kind": K} with K one of
malformed, unknown_access_key, signature_mismatch, timestamp_outside_window.
"""
import datetime
import hashlib
import hmac
import json

KEY = "142dda885ec6024f934a40c1"
SECRET = "abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784"
TS = "2026-11-23T09:26:56"
NOW = 1795426016  # TS as Unix time


def ts_text(unix):
    return datetime.datetime.fromtimestamp(unix, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def header(key, secret, account, ts):
    sign = hmac.new(secret.encode(), (key + account + ts).encode(), hashlib.sha256).hexdigest()
    return f"TM-HMAC-SHA256 key={key} ts={ts} sign={sign}"


assert ts_text(NOW) == TS
good = header(KEY, SECRET, "club", TS)
vectors = []


def check(id, note, hdr, expected, account="club", now=NOW, window=1800):
    vectors.append({
        "id": id, "kind": "authorization_check", "note": note,
        "access_key": KEY, "secret_key": SECRET, "account": account,
        "header": hdr, "now_unix": now, "window_secs": window, "expected": expected,
    })


def refused(kind):
    return {"valid": False, "error_kind": kind}


check("valid", "", good, {"valid": True})
check("valid-no-account", "account-less calls sign an empty account name",
      header(KEY, SECRET, "", TS), {"valid": True}, account="")
check("valid-window-edge-behind", "exactly 30 minutes behind the server is accepted",
      good, {"valid": True}, now=NOW + 1800)
check("valid-window-edge-ahead", "exactly 30 minutes ahead of the server is accepted",
      good, {"valid": True}, now=NOW - 1800)
check("outside-window-behind", "30 minutes and 1 second behind",
      good, refused("timestamp_outside_window"), now=NOW + 1801)
check("outside-window-ahead", "30 minutes and 1 second ahead",
      good, refused("timestamp_outside_window"), now=NOW - 1801)
check("wrong-secret", "", header(KEY, "not the secret", "club", TS), refused("signature_mismatch"))
check("wrong-account", "signed for another account than the request's path",
      header(KEY, SECRET, "other", TS), refused("signature_mismatch"))
check("ts-changed", "timestamp changed after signing",
      good.replace(TS, ts_text(NOW + 1)), refused("signature_mismatch"))
check("unknown-key", "", header("ffffffffffffffffffffffff", SECRET, "club", TS), refused("unknown_access_key"))
check("malformed-scheme", "", good.replace("TM-HMAC-SHA256", "TM-HMAC-SHA1"), refused("malformed"))
check("malformed-upper-hex", "signatures are lower-case hex", good[:good.index("sign=") + 5] + good[good.index("sign=") + 5:].upper(), refused("malformed"))
check("malformed-two-spaces", "exactly one space between parts", good.replace(" ts=", "  ts="), refused("malformed"))
check("malformed-zone-suffix", "no zone suffix on the timestamp", good.replace(TS, TS + "Z"), refused("malformed"))
check("malformed-order", "parts in the documented order only",
      "TM-HMAC-SHA256 ts=%s key=%s sign=%s" % (TS, KEY, good.split("sign=")[1]), refused("malformed"))
check("malformed-trailing", "nothing after the signature", good + " ", refused("malformed"))
check("malformed-crlf", "no header injection", good.replace(" ts=", "\r\nX: 1 ts="), refused("malformed"))

print(json.dumps({"format": "ticketmatic-signing-vectors/1", "vectors": vectors}, indent=1, ensure_ascii=False))
