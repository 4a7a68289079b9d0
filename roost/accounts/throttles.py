"""How often anyone may sign up, or try a password: one policy for every door (the
Mastodon API, OAuth's sign-in page and password grant, and the web app's forms)."""

from __future__ import annotations

from roost.db import Database
from roost.errors import RateLimited
from roost.oauth.queries import Login, authenticate_user
from roost.ratelimit import RateLimiter

SIGNUPS_PER_ADDRESS = 5  # per SIGNUP_PERIOD: Mastodon's sign-up throttle
SIGNUP_PERIOD = 1800
FAILED_SIGN_INS_PER_ADDRESS = 10  # per SIGN_IN_PERIOD
SIGN_IN_PERIOD = 300
# One account's failed sign-ins from every address together: a slower rate, not a lock
# (Mastodon allows 25 an hour per email). Someone guessing from many addresses gets 25
# tries an hour; the owner, at worst, waits for the hour's window to turn.
FAILED_SIGN_INS_PER_ACCOUNT = 25
ACCOUNT_SIGN_IN_PERIOD = 3600


class TooManySignIns(RateLimited):
    """The address, or the account named, has used up its failed sign-ins for now."""


async def signup_allowed(limiter: RateLimiter, address: str) -> bool:
    """Count a sign-up from `address`: False past its limit."""
    window = await limiter.hit(f"register:{address}", SIGNUPS_PER_ADDRESS, SIGNUP_PERIOD)
    return not window.exceeded


def _keys(address: str, name: str) -> list[tuple[str, int, int]]:
    return [
        (f"login:{address}", FAILED_SIGN_INS_PER_ADDRESS, SIGN_IN_PERIOD),
        # By the name as typed, lower-cased: a username and an email are counted apart.
        (f"login-account:{name.strip().lower()}", FAILED_SIGN_INS_PER_ACCOUNT,
         ACCOUNT_SIGN_IN_PERIOD),
    ]  # fmt: skip


async def throttled_sign_in(
    db: Database, limiter: RateLimiter, address: str, name: str, password: str
) -> Login | None:
    """The user whose login (username or email) and password these are, or None; each
    failure counts against `address` and against the account `name` names. Raises
    TooManySignIns, without checking the password, while either has no tries left."""
    keys = _keys(address, name)
    for key, limit, period in keys:
        if (await limiter.hit(key, limit, period, cost=0)).remaining == 0:
            raise TooManySignIns("Too many failed sign-in attempts; try again later")
    login = await authenticate_user(db, name, password) if name and password else None
    if login is None:
        for key, limit, period in keys:
            await limiter.hit(key, limit, period)
    return login
