"""The exceptions of ticketmatic_sign: every refusal is a TicketmaticSignError."""

from __future__ import annotations

from typing import Optional

__all__ = ["TicketmaticSignError", "VerificationError", "InvalidSignature", "MalformedUrl"]


class TicketmaticSignError(ValueError):
    """The library refused an input, and says which and why.

    ``reason`` is a stable code (``"invalid_byte"``, ``"duplicate_name"``, ...),
    ``field`` the input it is about (``"access_key"``, ``"params"``,
    ``"return_url"``, ``"timestamp"``, ...), ``position`` the parameter's index
    for ``"params"``, else a byte offset in the input, when there is one. All
    three are the Rust crate's, the same in every face of it (SPEC section 7).
    """

    reason: str
    field: str
    position: Optional[int]

    def __init__(self, message: str, *, reason: str, field: str = "", position: Optional[int] = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.field = field
        self.position = position


class VerificationError(TicketmaticSignError):
    """A return URL did not verify: one of the two subclasses says how."""


class InvalidSignature(VerificationError):
    """A well-formed return URL that this key pair did not sign (or that was changed):
    ``reason`` is ``"signature_mismatch"``, ``"signature_missing"`` or ``"bad_access_key"``."""


class MalformedUrl(VerificationError):
    """A return URL that cannot be read: ``reason`` is ``"no_query"``, ``"bad_escape"``,
    ``"invalid_utf8"`` or ``"duplicate_name"``; ``position`` is the byte offset."""
