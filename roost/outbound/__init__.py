"""The one guarded client for outbound HTTP requests (link previews, Web Push, later federation)."""

from roost.outbound.client import (
    BadURL,
    Outbound,
    Response,
    Timeout,
    TooLarge,
    TooManyRedirects,
    Unreachable,
)
from roost.outbound.guard import OutboundError, Refused, is_public

__all__ = [
    "BadURL",
    "Outbound",
    "OutboundError",
    "Refused",
    "Response",
    "Timeout",
    "TooLarge",
    "TooManyRedirects",
    "Unreachable",
    "is_public",
]
