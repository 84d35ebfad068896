"""The parity table (tests/parity/parity.json, SPEC section 7) through the C
ABI, with ctypes: every case accepted or refused as the table says, with
the same reason code, field and position as every other face. Codes and
fields are named from the header's declarations (TM_INVALID_BYTE is
invalid_byte, TM_FIELD_BASE_URL is base_url).

    python3 ffi/tests/parity.py target/ffi/libticketmatic_sign.so

Exits 1 on any disagreement. The C ABI has no accessor for a signer's base
URL and returns no verified parameters: those outputs are not compared.
"""
import ctypes as C
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEADER = (ROOT / "ffi/include/ticketmatic_sign.h").read_text()
TABLE = json.loads((ROOT / "tests/parity/parity.json").read_text("utf-8"))
lib = C.CDLL(sys.argv[1])

RESULTS = {int(v): n.lower() for n, v in re.findall(r"^\s*TM_(?!FIELD_)(\w+) = (\d+),", HEADER, re.M)}
FIELDS = {int(v): n.lower() for n, v in re.findall(r"^\s*TM_FIELD_(\w+) = (\d+),", HEADER, re.M)}
CAPACITY = int(re.search(r"#define TM_ERROR_MESSAGE_CAPACITY (\d+)", HEADER).group(1))


class Error(C.Structure):
    _fields_ = [("code", C.c_int), ("field", C.c_int), ("position", C.c_int64),
                ("message_len", C.c_size_t), ("message", C.c_char * CAPACITY)]


class Param(C.Structure):
    _fields_ = [("name", C.c_char_p), ("name_len", C.c_size_t), ("value", C.c_char_p), ("value_len", C.c_size_t)]


LOOKUP = C.CFUNCTYPE(C.c_uint32, C.c_void_p, C.POINTER(C.c_uint8), C.c_size_t,
                     C.POINTER(C.POINTER(C.c_uint8)), C.POINTER(C.c_size_t))
lib.tm_verify_authorization.argtypes = [C.c_char_p, C.c_size_t, C.c_char_p, C.c_size_t, C.c_int64, C.c_uint32,
                                        LOOKUP, C.c_void_p, C.POINTER(Error)]
lib.tm_authorization.argtypes = [C.c_void_p, C.c_int64, C.c_char_p, C.c_size_t, C.POINTER(C.c_size_t),
                                 C.POINTER(Error)]
lib.tm_timestamp_parse.argtypes = [C.c_char_p, C.c_size_t, C.POINTER(C.c_int64), C.POINTER(Error)]
lib.tm_signer_new.argtypes = [C.c_char_p, C.c_size_t, C.c_char_p, C.c_size_t, C.c_char_p, C.c_size_t,
                              C.c_char_p, C.c_size_t, C.POINTER(C.c_void_p), C.POINTER(Error)]
lib.tm_signer_free.argtypes = [C.c_void_p]
lib.tm_widget_url.argtypes = [C.c_void_p, C.c_char_p, C.c_size_t, C.POINTER(Param), C.c_size_t,
                              C.c_char_p, C.c_size_t, C.POINTER(C.c_size_t), C.POINTER(Error)]
lib.tm_verify_return_url.argtypes = [C.c_void_p, C.c_char_p, C.c_size_t, C.POINTER(Error)]


class Refused(Exception):
    def __init__(self, error: Error):
        position = error.position
        self.outcome = {"refused": {"reason": RESULTS.get(error.code, f"code {error.code}"),
                                    "field": FIELDS.get(error.field, f"field {error.field}"),
                                    "position": None if position < 0 else position}}


def check(code: int, error: Error) -> None:
    if code != 0:
        raise Refused(error)


def raw(value) -> bytes:
    if isinstance(value, str):
        return value.encode()
    return bytes.fromhex(value["hex"])


def make_signer(case):
    s = {**TABLE["signer"], **case.get("signer", {})}
    key, secret, account = raw(s["access_key"]), raw(s["secret_key"]), raw(s["account"])
    base = raw(s["base_url"]) if "base_url" in s else None
    signer, error = C.c_void_p(), Error()
    check(lib.tm_signer_new(key, len(key), secret, len(secret), account, len(account),
                            base, 0 if base is None else len(base), C.byref(signer), C.byref(error)), error)
    return signer


def output(call) -> str:
    buf, out_len, error = C.create_string_buffer(1 << 16), C.c_size_t(), Error()
    check(call(buf, len(buf), C.byref(out_len), C.byref(error)), error)
    return buf.raw[:out_len.value].decode()


def run(case):
    op = case["op"]
    if op == "authorization_check":
        keys = {**TABLE["signer"], **case.get("signer", {})}
        secret = (C.c_uint8 * len(keys["secret_key"])).from_buffer_copy(keys["secret_key"].encode())

        def lookup(_userdata, key, key_len, secret_out, secret_len_out):
            if bytes(key[:key_len]).decode() != keys["access_key"]:
                return 34  # TM_UNKNOWN_ACCESS_KEY
            secret_out[0] = C.cast(secret, C.POINTER(C.c_uint8))
            secret_len_out[0] = len(secret)
            return 0

        header, account, error = case["header"].encode(), case["account"].encode(), Error()
        check(lib.tm_verify_authorization(header, len(header), account, len(account), case["now_unix"],
                                          case["window_secs"], LOOKUP(lookup), None, C.byref(error)), error)
        return {}
    if op == "timestamp":
        text, unix, error = case["text"].encode(), C.c_int64(), Error()
        check(lib.tm_timestamp_parse(text, len(text), C.byref(unix), C.byref(error)), error)
        return {"unix": unix.value}
    signer = make_signer(case)
    try:
        if op == "signer":
            return {}
        if op == "unix_time":
            header = output(lambda b, n, o, e: lib.tm_authorization(signer, case["unix"], b, n, o, e))
            return {"ts": header.split(" ")[2][3:]}
        if op == "widget_url":
            texts = [(n.encode(), v.encode()) for n, v in case["params"]]
            params = (Param * max(1, len(texts)))(*[Param(n, len(n), v, len(v)) for n, v in texts])
            widget = case["widget"].encode()
            return {"url": output(lambda b, n, o, e: lib.tm_widget_url(
                signer, widget, len(widget), params, len(texts), b, n, o, e))}
        if op == "return_url":
            url, error = case["url"].encode(), Error()
            check(lib.tm_verify_return_url(signer, url, len(url), C.byref(error)), error)
            return {}
        raise ValueError(f"unknown op {op}")
    finally:
        lib.tm_signer_free(signer)


ran = not_carried = 0
disagreements = []
for case in TABLE["cases"]:
    if "only" in case and "c" not in case["only"]:
        not_carried += 1
        continue
    ran += 1
    try:
        got = {"ok": run(case)}
    except Refused as r:
        got = r.outcome
    expect = case["expect"]
    if "ok" in expect and "ok" in got:
        wrong = {k: v for k, v in got["ok"].items() if expect["ok"].get(k, v) != v}
        if wrong:
            disagreements.append(f"{case['id']}: expected {expect}, got {got}")
    elif expect != got:
        disagreements.append(f"{case['id']}: expected {expect}, got {got}")
print(f"parity (C ABI): {ran} cases, {ran - len(disagreements)} agree, {len(disagreements)} disagree, "
      f"{not_carried} with inputs for other faces")
for line in disagreements:
    print("  " + line)
sys.exit(1 if disagreements else 0)
