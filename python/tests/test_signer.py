"""The package against the conformance vectors (tests/vectors/, expected values
from the official clients and Ticketmatic's documentation) and against
independent references written plainly here with hmac and urllib."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import pytest

import ticketmatic_sign
from ticketmatic_sign import (
    DEFAULT_BASE_URL,
    InvalidSignature,
    MalformedUrl,
    Signer,
    TicketmaticSignError,
    VerificationError,
)

VECTORS = json.loads(
    (Path(__file__).resolve().parents[2] / "tests/vectors/ticketmatic-signing-vectors.json").read_text("utf-8")
)["vectors"]


def by_kind(kind: str) -> list[dict]:
    return [v for v in VECTORS if v["kind"] == kind]


def signer_of(v: dict) -> Signer:
    return Signer(v["access_key"], v["secret_key"], v["account"])


@pytest.mark.parametrize("v", by_kind("authorization"), ids=lambda v: v["id"])
def test_authorization_vectors(v: dict) -> None:
    time = v.get("unix_time", v.get("timestamp"))
    expected = v["expected"]
    if expected.get("error"):
        with pytest.raises(TicketmaticSignError):
            signer_of(v).authorization(time)
        return
    signer = signer_of(v)
    assert signer.authorization(time) == expected["header"]
    assert signer.explain_header(time) == expected["payload"]


@pytest.mark.parametrize("v", by_kind("widget"), ids=lambda v: v["id"])
def test_widget_vectors(v: dict) -> None:
    expected = v["expected"]
    params = [tuple(p) for p in v["params"]]
    if expected.get("error"):
        with pytest.raises(TicketmaticSignError):
            signer_of(v).widget_url(v["widget"], params)
        return
    signer = signer_of(v)
    assert signer.widget_signature(params) == expected["signature"]
    assert signer.widget_url(v["widget"], params) == expected["url"]
    assert signer.explain_widget(params) == expected["payload"]


@pytest.mark.parametrize("v", by_kind("return_url"), ids=lambda v: v["id"])
def test_return_url_vectors(v: dict) -> None:
    expected = v["expected"]
    signer = signer_of(v)
    if expected.get("error"):
        with pytest.raises(MalformedUrl):
            signer.verify_return_url(v["query"])
    elif expected["valid"]:
        assert isinstance(signer.verify_return_url(v["query"]), dict)
    else:
        with pytest.raises(InvalidSignature) as e:
            signer.verify_return_url(v["query"])
        assert e.value.reason == expected["error_kind"]


# ----- independent references -------------------------------------------------

KEY, SECRET, ACCOUNT = "azertyuiop", "qsdfghjklm", "myaccountname"


def reference_signature(params: list[tuple[str, str]]) -> str:
    """SPEC 3, plainly: signed names sorted by their UTF-8 bytes, raw values."""
    signed = sorted((p for p in params if p[0] not in ("l", "ordercode")), key=lambda p: p[0].encode())
    message = KEY + ACCOUNT + "".join(n + v for n, v in signed)
    return hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()


def test_widget_url_against_reference() -> None:
    params = [("skinid", "25"), ("é", "a b&c"), ("l", "nl"), ("Z", "~!*'()"), ("10", "x"), ("9", "y")]
    signature = reference_signature(params)
    query = "".join(f"{quote(n, safe='-._~')}={quote(v, safe='-._~')}&" for n, v in params)
    expected = f"{DEFAULT_BASE_URL}/widgets/{ACCOUNT}/addtickets?{query}accesskey={KEY}&signature={signature}"
    signer = Signer(KEY, SECRET, ACCOUNT)
    assert signer.widget_signature(params) == signature
    assert signer.widget_url("addtickets", params) == expected
    assert signer.widget_url("addtickets", dict(params)) == expected


def test_many_parameters() -> None:
    params = [(f"p{i:04}", str(i)) for i in range(1000, 0, -1)]
    assert Signer(KEY, SECRET, ACCOUNT).widget_signature(params) == reference_signature(params)


def test_int_values_sign_as_they_print() -> None:
    signer = Signer(KEY, SECRET, ACCOUNT)
    assert signer.widget_signature({"event": 123}) == signer.widget_signature({"event": "123"})


def test_authorization_times() -> None:
    signer = Signer("xyz", "xyz", "ticketmatic")
    header = "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590"
    assert signer.authorization(1501346446) == header
    assert signer.authorization(1501346446.9) == header
    assert signer.authorization("2017-07-29T16:40:46") == header
    assert signer.authorization(datetime(2017, 7, 29, 16, 40, 46, tzinfo=timezone.utc)) == header
    cet = timezone(timedelta(hours=2))
    assert signer.authorization(datetime(2017, 7, 29, 18, 40, 46, tzinfo=cet)) == header
    # Now: the time in the header is within a few seconds of the clock.
    ts = signer.authorization().split(" ")[2][3:]
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    assert abs((datetime.fromisoformat(ts) - now).total_seconds()) < 5


def test_bad_times() -> None:
    signer = Signer("xyz", "xyz", "ticketmatic")
    with pytest.raises(TypeError, match="naive"):
        signer.authorization(datetime(2017, 7, 29))
    with pytest.raises(TypeError):
        signer.authorization(True)
    for bad, reason in [(-1, "time_out_of_range"), (2**70, "time_out_of_range"), (float("nan"), "time_out_of_range"),
                        ("2017-07-29 16:40:46", "timestamp_syntax"), ("2017-02-30T00:00:00", "invalid_date")]:
        with pytest.raises(TicketmaticSignError) as e:
            signer.authorization(bad)
        assert e.value.reason == reason and e.value.field == "timestamp"
    # SPEC 7: a trailing Z says UTC, as the bare form does.
    assert signer.authorization("2017-07-29T16:40:46Z") == signer.authorization(1501346446)


def test_refusals_name_the_input() -> None:
    with pytest.raises(TicketmaticSignError) as e:
        Signer("abc\r\nX-Evil: 1", "s", "club")
    assert (e.value.reason, e.value.field, str(e.value)) == (
        "invalid_byte", "access_key", "access key: byte 3 (0x0d) is not allowed: use visible ASCII without spaces")
    with pytest.raises(TicketmaticSignError) as e:
        Signer("key", b"", "club")
    assert (e.value.reason, e.value.field) == ("empty", "secret_key")
    with pytest.raises(TicketmaticSignError) as e:
        Signer("key", "s", "club", base_url="http://x/?a")
    assert (e.value.reason, e.value.field, e.value.position) == ("invalid_byte", "base_url", 9)
    # SPEC 7: refused, never rewritten.
    for base_url, reason in [("javascript:alert(1)", "unsupported_scheme"), ("ftp://x", "unsupported_scheme"),
                             ("https://me:pw@x.com", "user_info"), ("http://x\r\n.com", "invalid_byte")]:
        with pytest.raises(TicketmaticSignError) as e:
            Signer("key", "s", "club", base_url=base_url)
        assert (e.value.reason, e.value.field) == (reason, "base_url"), base_url
    signer = Signer(KEY, SECRET, ACCOUNT)
    with pytest.raises(TicketmaticSignError) as e:
        signer.widget_url("addtickets", [("a", "1"), ("signature", "x")])
    assert (e.value.reason, e.value.field, e.value.position) == ("reserved_name", "params", 1)
    with pytest.raises(TicketmaticSignError) as e:
        signer.widget_url("add/tickets", {})
    assert (e.value.reason, e.value.field) == ("invalid_byte", "widget")
    assert not isinstance(e.value, VerificationError)
    with pytest.raises(TypeError, match=r"params\[0\]"):
        signer.widget_signature([("a", True)])
    with pytest.raises(TypeError, match="not a string"):
        signer.widget_signature("a=1")
    with pytest.raises(TypeError, match="pair"):
        signer.widget_signature([("a", "1", "2")])


def test_secret_as_bytes() -> None:
    assert Signer(KEY, SECRET.encode(), ACCOUNT).widget_signature({"a": "1"}) == reference_signature([("a", "1")])


RETURN = dict(access_key="142dda885ec6024f934a40c1", secret_key="abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784")
RETURN_QUERY = ("orderid=2715&status=ok&accesskey=142dda885ec6024f934a40c1"
                "&signature=313e4ce1ea0da73a2cf4b83d72f43c4ae832f3f0d66b6047d9892cef6f6f5658")


def test_verify_return_url() -> None:
    signer = Signer(RETURN["access_key"], RETURN["secret_key"], "club")
    expected = {"orderid": "2715", "status": "ok"}
    assert signer.verify_return_url(RETURN_QUERY) == expected
    assert signer.verify_return_url("https://shop.example/done?" + RETURN_QUERY + "#top") == expected
    assert list(signer.verify_return_url(RETURN_QUERY)) == ["orderid", "status"]
    assert signer.explain_return_url(RETURN_QUERY) == RETURN["access_key"] + "cluborderid2715statusok"
    cases = [
        (RETURN_QUERY.replace("2715", "2716"), InvalidSignature, "signature_mismatch", None),
        (RETURN_QUERY.replace("signature", "sig"), InvalidSignature, "signature_missing", None),
        (RETURN_QUERY.replace("accesskey=142d", "accesskey=042d"), InvalidSignature, "bad_access_key", None),
        ("https://shop.example/done", MalformedUrl, "no_query", None),
        ("a=1&b=%zz", MalformedUrl, "bad_escape", 6),
        ("a=1&b=%ff", MalformedUrl, "invalid_utf8", 4),
        ("a=1&a=2", MalformedUrl, "duplicate_name", None),
    ]
    for query, cls, reason, position in cases:
        with pytest.raises(cls) as e:
            signer.verify_return_url(query)
        assert isinstance(e.value, VerificationError) and isinstance(e.value, ValueError)
        assert e.value.reason == reason, query
        assert e.value.field == ("signature" if reason == "signature_mismatch" else "return_url"), query
        if position is not None:
            assert e.value.position == position
    with pytest.raises(MalformedUrl):
        signer.explain_return_url("a=%4")


def test_long_outputs() -> None:
    signer = Signer(KEY, SECRET, ACCOUNT)
    value = "x" * 5000
    assert signer.explain_widget({"a": value}) == KEY + ACCOUNT + "a" + value
    assert signer.widget_url("w", {"a": value}).count("x") == 5000


def test_signer_attributes_and_threads() -> None:
    signer = Signer(KEY, SECRET, ACCOUNT, base_url="http://127.0.0.1:8080/")
    assert (signer.access_key, signer.account, signer.base_url) == (KEY, ACCOUNT, "http://127.0.0.1:8080")
    assert "qsdf" not in repr(signer)
    assert ticketmatic_sign.__version__.count(".") == 2
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(signer.widget_signature({"a": "1"}))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [reference_signature([("a", "1")])] * 8
