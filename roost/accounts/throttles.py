"""How often anyone may sign up, or try a password: one policy for every door (the
Mastodon API, OAuth's sign-in page and password grant, and the web app's forms), with the
limits an operator sets (ROOST_SIGNUP_LIMIT, ROOST_SIGN_IN_LIMIT,
ROOST_SIGN_IN_ACCOUNT_LIMIT)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from roost.db import Database
from roost.errors import RateLimited
from roost.oauth.queries import Login, authenticate_user
from roost.ratelimit import RateLimiter

SIGNUP_PERIOD = 1800  # Mastodon's sign-up throttle: 5 per address per 30 minutes
SIGN_IN_PERIOD = 300
ACCOUNT_SIGN_IN_PERIOD = 3600


class TooManySignIns(RateLimited):
    """The address, or the account named, has used up its failed sign-ins for now."""


@dataclass(frozen=True)
class Throttles:
    """The instance's throttles. A limit of 0 turns that throttle off (test instances)."""

    db: Database
    limiter: RateLimiter
    signups_per_address: int = 5  # per SIGNUP_PERIOD
    failed_sign_ins_per_address: int = 10  # per SIGN_IN_PERIOD
    # One account's failed sign-ins from every address together: a slower rate, not a
    # lock (Mastodon allows 25 an hour per email). Someone guessing from many addresses
    # gets 25 tries an hour; the owner, at worst, waits for the hour's window to turn.
    failed_sign_ins_per_account: int = 25  # per ACCOUNT_SIGN_IN_PERIOD

    async def signup_allowed(self, address: str) -> bool:
        """Count a sign-up from `address`: False past its limit."""
        if not self.signups_per_address:
            return True
        key = f"register:{address}"
        window = await self.limiter.hit(key, self.signups_per_address, SIGNUP_PERIOD)
        return not window.exceeded

    def _keys(self, address: str, name: str) -> list[tuple[str, int, int]]:
        keys = [
            (f"login:{address}", self.failed_sign_ins_per_address, SIGN_IN_PERIOD),
            # By the name as typed, lower-cased: a username and an email are counted apart.
            (f"login-account:{name.strip().lower()}", self.failed_sign_ins_per_account,
             ACCOUNT_SIGN_IN_PERIOD),
        ]  # fmt: skip
        return [k for k in keys if k[1]]

    async def sign_in(self, address: str, name: str, password: str) -> Login | None:
        """The user whose login (username or email) and password these are, or None; each
        failure counts against `address` and against the account `name` names. Raises
        TooManySignIns, without checking the password, while either has no tries left."""
        keys = self._keys(address, name)
        for key, limit, period in keys:
            if (await self.limiter.hit(key, limit, period, cost=0)).remaining == 0:
                raise TooManySignIns("Too many failed sign-in attempts; try again later")
        login = await authenticate_user(self.db, name, password) if name and password else None
        if login is None:
            for key, limit, period in keys:
                await self.limiter.hit(key, limit, period)
        return login

    async def second_factor(
        self, address: str, account_id: int, check: Callable[[], Awaitable[bool]]
    ) -> bool:
        """Run `check` (a two-factor code's verification) unless `address` or the account
        has used up its failed tries; each failure counts as a failed sign-in. Raises
        TooManySignIns, without checking, while either has no tries left."""
        keys = [
            (f"login:{address}", self.failed_sign_ins_per_address, SIGN_IN_PERIOD),
            (f"login-code:{account_id}", self.failed_sign_ins_per_account,
             ACCOUNT_SIGN_IN_PERIOD),
        ]  # fmt: skip
        keys = [k for k in keys if k[1]]
        for key, limit, period in keys:
            if (await self.limiter.hit(key, limit, period, cost=0)).remaining == 0:
                raise TooManySignIns("Too many failed sign-in attempts; try again later")
        if await check():
            return True
        for key, limit, period in keys:
            await self.limiter.hit(key, limit, period)
        return False
