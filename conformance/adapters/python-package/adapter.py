#!/usr/bin/env python3
"""A tm-conformance/1 adapter over the Python package (python/, PyPI name
ticketmatic-sign), so the kit checks the package as Python code uses it:

    pip install ticketmatic-sign        # or the wheel python/check.sh builds
    tm conformance run -- python3 conformance/adapters/python-package/adapter.py
"""

import json
import platform
import sys

from ticketmatic_sign import InvalidSignature, Signer, TicketmaticSignError, __version__


def signer_of(c):
    return Signer(c["access_key"], c["secret_key"], c["account"])


def authorization(c):
    time = c["unix_time"] if "unix_time" in c else c["timestamp"]
    signer = signer_of(c)
    header = signer.authorization(time)
    return {"timestamp": header.split(" ")[2][len("ts="):], "header": header, "payload": signer.explain_header(time)}


def widget(c):
    signer = signer_of(c)
    params = [tuple(p) for p in c["params"]]
    return {
        "signature": signer.widget_signature(params),
        "url": signer.widget_url(c["widget"], params),
        "payload": signer.explain_widget(params),
    }


def return_url(c):
    signer = signer_of(c)
    payload = signer.explain_return_url(c["query"])  # raises MalformedUrl: a refusal
    try:
        signer.verify_return_url(c["query"])
    except InvalidSignature as e:
        return {"valid": False, "error_kind": e.reason, "payload": payload}
    return {"valid": True, "payload": payload}


KINDS = {"authorization": authorization, "widget": widget, "return_url": return_url}


def answer(message):
    if message["cmd"] == "start":
        return {
            "implementation": {
                "name": f"ticketmatic-sign {__version__} (Python package)",
                "language": "Python",
                "version": platform.python_version(),
            },
            "kinds": list(KINDS),
        }
    try:
        return {"seq": message["seq"], "output": KINDS[message["case"]["kind"]](message["case"])}
    except TicketmaticSignError as e:
        return {"seq": message["seq"], "refused": str(e)}


for line in sys.stdin:
    message = json.loads(line)
    if message["cmd"] == "stop":
        break
    sys.stdout.write(json.dumps(answer(message)) + "\n")
    sys.stdout.flush()
