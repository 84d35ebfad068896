from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Optional, Tuple, Union, final

__all__ = ["Signer", "DEFAULT_BASE_URL", "__version__"]

DEFAULT_BASE_URL: str
__version__: str

# Values are signed as they print: str, or int.
_Value = Union[str, int]
_WidgetParams = Union[Mapping[str, _Value], Iterable[Union[Tuple[str, _Value], list[_Value]]]]
# Unix seconds, an aware datetime, or UTC text "YYYY-MM-DDTHH:MM:SS".
_Time = Union[int, float, datetime, str]

@final
class Signer:
    """Signs for one key pair and account. Construction checks the inputs
    (raises ``TicketmaticSignError``); a signer is immutable and may be shared
    between threads."""

    def __new__(
        cls,
        access_key: str,
        secret_key: Union[str, bytes],
        account: str = "",
        *,
        base_url: Optional[str] = None,
    ) -> Signer: ...
    @property
    def access_key(self) -> str: ...
    @property
    def account(self) -> str: ...
    @property
    def base_url(self) -> str:
        """Where widget URLs point, without a trailing ``/``."""
    def authorization(self, unix_time: Optional[_Time] = None) -> str:
        """The ``Authorization`` header value, ``TM-HMAC-SHA256 key=... ts=... sign=...``,
        for a request made at ``unix_time`` (Unix seconds, an aware ``datetime``
        or UTC text ``YYYY-MM-DDTHH:MM:SS``; ``None`` is now)."""
    def widget_signature(self, params: _WidgetParams) -> str:
        """The widget signature: 64 lower-case hex digits. ``l`` and ``ordercode`` are not signed."""
    def widget_url(self, widget: str, params: _WidgetParams) -> str:
        """The signed URL of ``widget`` (for example ``"addtickets"``), parameters in the order given."""
    def verify_return_url(self, query_or_url: str) -> dict[str, str]:
        """Verifies a return URL (or its query) and returns its parameters, decoded, in
        the query's order, without ``accesskey`` and ``signature``; ``l`` and
        ``ordercode`` are not covered by the signature. Raises ``InvalidSignature``
        or ``MalformedUrl``."""
    def explain_header(self, unix_time: Optional[_Time] = None) -> str:
        """The exact text the ``Authorization`` header signs."""
    def explain_widget(self, params: _WidgetParams) -> str:
        """The exact text the widget signature signs."""
    def explain_return_url(self, query_or_url: str) -> str:
        """The exact text a return URL's signature should sign. Raises ``MalformedUrl``."""
