"""Python: the standard library (hmac, urllib.parse) against the package
ticketmatic_sign, on speed/workload.json. Prints one JSON line per
measurement; speed/run.sh makes the table."""

import hashlib
import hmac
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, quote

from ticketmatic_sign import Signer

W = json.loads((Path(__file__).parent / "workload.json").read_text("utf-8"))
KEY, SECRET, ACCOUNT = W["access_key"], W["secret_key"].encode(), W["account"]
PARAMS = [tuple(p) for p in W["params"]]
BASE = "https://apps.ticketmatic.com"
BATCH_SECONDS = float(os.environ.get("SPEED_BATCH_MS", "100")) / 1000


# ----- what a Python developer writes with the standard library ------------------

def sign(message: str) -> str:
    return hmac.new(SECRET, message.encode(), hashlib.sha256).hexdigest()


def std_header(unix_time: int) -> str:
    ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(unix_time))
    return f"TM-HMAC-SHA256 key={KEY} ts={ts} sign={sign(KEY + ACCOUNT + ts)}"


def canonical(pairs) -> str:
    # str order is code point order, which is UTF-8 byte order.
    return "".join(n + v for n, v in sorted(p for p in pairs if p[0] not in ("l", "ordercode")))


def std_widget_url(widget: str, params) -> str:
    enc = lambda s: quote(s, safe="-._~")  # noqa: E731 (RFC 3986 unreserved)
    query = "".join(f"{enc(n)}={enc(v)}&" for n, v in params)
    signature = sign(KEY + ACCOUNT + canonical(params))
    return f"{BASE}/widgets/{ACCOUNT}/{widget}?{query}accesskey={enc(KEY)}&signature={signature}"


def std_verify(query: str) -> bool:
    params = dict(parse_qsl(query, keep_blank_values=True))
    given = params.pop("signature", "")
    if params.pop("accesskey", None) != KEY:
        return False
    return hmac.compare_digest(sign(KEY + ACCOUNT + canonical(params.items())), given)


# ----- the binding -------------------------------------------------------------------

signer = Signer(KEY, W["secret_key"], ACCOUNT)


def binding_verify(query: str) -> bool:
    signer.verify_return_url(query)  # raises if it does not verify
    return True


def measure(fn) -> float:
    """Median ns per call over 5 batches of about BATCH_SECONDS each."""
    n = 1
    while True:
        start = time.perf_counter_ns()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter_ns() - start
        if elapsed >= BATCH_SECONDS * 1e9:
            break
        n *= 2
    batches = []
    for _ in range(5):
        start = time.perf_counter_ns()
        for _ in range(n):
            fn()
        batches.append((time.perf_counter_ns() - start) / n)
    return statistics.median(batches)


def main() -> None:
    t, widget, query = W["unix_time"], W["widget"], W["return_query"]
    # Both sides must give the same answers before either is timed.
    assert std_header(t) == signer.authorization(t), (std_header(t), signer.authorization(t))
    assert std_widget_url(widget, PARAMS) == signer.widget_url(widget, PARAMS)
    assert std_verify(query) and binding_verify(query)
    assert not std_verify(query.replace("2715", "2716"))
    ops = {
        "header": (lambda: std_header(t), lambda: signer.authorization(t)),
        "widget URL, 10 parameters": (lambda: std_widget_url(widget, PARAMS), lambda: signer.widget_url(widget, PARAMS)),
        "return-URL check": (lambda: std_verify(query), lambda: binding_verify(query)),
    }
    version = f"Python {sys.version.split()[0]}"
    for op, (std, binding) in ops.items():
        for impl, fn in (("stdlib", std), ("binding", binding)):
            print(json.dumps({"language": version, "binding": "ticketmatic_sign (PyO3 wheel)", "op": op, "impl": impl, "ns": measure(fn)}))


main()
