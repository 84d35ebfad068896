"""How a typed caller uses the package: `mypy --strict` must accept this file
against the stubs (and .ci/run also runs it)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from ticketmatic_sign import InvalidSignature, MalformedUrl, Signer, TicketmaticSignError, VerificationError


def order_of(signer: Signer, url: str) -> Optional[str]:
    try:
        params: dict[str, str] = signer.verify_return_url(url)
    except InvalidSignature as e:
        reason: str = e.reason
        print("refused:", reason)
        return None
    except MalformedUrl as e:
        position: Optional[int] = e.position
        print("unreadable at", position)
        return None
    return params.get("orderid")


def main() -> None:
    signer = Signer("azertyuiop", b"qsdfghjklm", "myaccountname", base_url="https://apps.ticketmatic.com")
    header: str = signer.authorization()
    header = signer.authorization(datetime.now(timezone.utc))
    header = signer.authorization(1_501_346_446)
    params: dict[str, str | int] = {"event": "123", "skinid": 25}
    url: str = signer.widget_url("addtickets", params)
    url = signer.widget_url("addtickets", [("event", "123"), ("l", "fr")])
    signature: str = signer.widget_signature({"event": "123"})
    explained: str = signer.explain_widget({"event": "123"}) + signer.explain_header(0)
    try:
        Signer("", "secret")
    except TicketmaticSignError as e:
        field: str = e.field
        print(field)
    assert issubclass(InvalidSignature, VerificationError)
    print(header, url, signature, explained, order_of(signer, url), signer.explain_return_url("a=1"))


if __name__ == "__main__":
    main()
