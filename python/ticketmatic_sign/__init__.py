"""Ticketmatic request signing: API ``Authorization`` headers, signed widget URLs
and return-URL verification, done by the Rust crate ``ticketmatic-sign``.

>>> from ticketmatic_sign import Signer
>>> signer = Signer("azertyuiop", "qsdfghjklm", "myaccountname")
>>> signer.widget_signature({"event": "123", "l": "fr", "returnurl": "http://www.ticketmatic.com", "skinid": "25"})
'0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8'
"""

from ._errors import InvalidSignature, MalformedUrl, TicketmaticSignError, VerificationError
from ._native import DEFAULT_BASE_URL, Signer, __version__

__all__ = [
    "DEFAULT_BASE_URL",
    "InvalidSignature",
    "MalformedUrl",
    "Signer",
    "TicketmaticSignError",
    "VerificationError",
    "__version__",
]
