"""The parity table (tests/parity/parity.json, SPEC section 7) through the
Python package: every case accepted or refused as the table says, with the
same reason code, field and position as every other face. Header
verification is not part of this package's API: those cases are counted as
not offered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional, Union

from ticketmatic_sign import Signer, TicketmaticSignError

TABLE = json.loads((Path(__file__).parents[2] / "tests" / "parity" / "parity.json").read_text("utf-8"))


def text(value: Any) -> Union[str, bytes]:
    if isinstance(value, str):
        return value
    if "hex" in value:
        return bytes.fromhex(value["hex"])
    raise ValueError(f"unknown text {value!r}")


def signer_of(case: dict[str, Any]) -> Signer:
    s = {**TABLE["signer"], **case.get("signer", {})}
    base_url = s.get("base_url")
    return Signer(str(text(s["access_key"])), text(s["secret_key"]), str(text(s["account"])),
                  base_url=None if base_url is None else str(text(base_url)))


def run(case: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The case's outputs, or None when this package does not offer the operation."""
    op = case["op"]
    if op == "signer":
        return {"base_url": signer_of(case).base_url}
    if op == "timestamp":
        return {"ts": signer_of(case).authorization(case["text"]).split(" ")[2][3:]}
    if op == "unix_time":
        return {"ts": signer_of(case).authorization(case["unix"]).split(" ")[2][3:]}
    if op == "widget_url":
        return {"url": signer_of(case).widget_url(case["widget"], [tuple(p) for p in case["params"]])}
    if op == "return_url":
        params = signer_of(case).verify_return_url(case["url"])
        return {"params": [[name, value] for name, value in params.items()]}
    return None


def agrees(expect: dict[str, Any], got: dict[str, Any]) -> bool:
    if "ok" in expect and "ok" in got:
        # This package's verified parameters are a dict: names and values, not
        # which are signed.
        want = dict(expect["ok"])
        if "params" in want:
            want["params"] = [p[:2] for p in want["params"]]
        return all(got["ok"][k] == v for k, v in want.items() if k in got["ok"])
    return expect == got


def test_parity_table() -> None:
    ran = not_offered = not_carried = 0
    disagreements = []
    for case in TABLE["cases"]:
        if "only" in case and "python" not in case["only"]:
            not_carried += 1
            continue
        try:
            outputs = run(case)
            if outputs is None:
                not_offered += 1
                continue
            got: dict[str, Any] = {"ok": outputs}
        except TicketmaticSignError as e:
            got = {"refused": {"reason": e.reason, "field": e.field, "position": e.position}}
        ran += 1
        if not agrees(case["expect"], got):
            disagreements.append(f"{case['id']}: expected {case['expect']}, got {got}")
    print(f"parity (python): {ran} cases, {ran - len(disagreements)} agree, {len(disagreements)} disagree, "
          f"{not_offered} not offered (header verification), {not_carried} with inputs for other faces")
    assert disagreements == []
