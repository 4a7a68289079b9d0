"""The half-way state of a sign-in with two factors: the password was right, the code is
still to come. It travels in the form as a signed ticket (account id and expiry under an
HMAC of the instance's secret key), so no server-side state is kept between the steps."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

TICKET_TTL = 300  # seconds to type the code
# Without a configured secret, tickets are signed with a key that lives as long as the process.
_fallback_key = secrets.token_bytes(32)


def _key(secret: str) -> bytes:
    if not secret:
        return _fallback_key
    # A key of its own: a ticket's signature is worth nothing anywhere else.
    return hashlib.sha256(b"roost-2fa-ticket\0" + secret.encode()).digest()


def _sign(secret: str, body: str) -> str:
    return hmac.new(_key(secret), body.encode(), hashlib.sha256).hexdigest()


def make_ticket(secret: str, account_id: int, now: float | None = None) -> str:
    """A ticket saying the password of `account_id` was right, valid for TICKET_TTL."""
    body = f"{account_id}.{int((now or time.time()) + TICKET_TTL)}"
    return f"{body}.{_sign(secret, body)}"


def read_ticket(secret: str, ticket: str, now: float | None = None) -> int | None:
    """The account id of a valid, unexpired ticket, or None."""
    if not ticket or len(ticket) > 200:
        return None
    body, _, signature = ticket.rpartition(".")
    if not hmac.compare_digest(signature, _sign(secret, body)):
        return None
    account, _, expires = body.partition(".")
    if not (account.isdigit() and expires.isdigit()) or int(expires) < (now or time.time()):
        return None
    return int(account)
