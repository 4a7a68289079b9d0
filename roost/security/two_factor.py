"""Two-factor sign-in: a TOTP secret (RFC 6238, 30-second codes of 6 digits, as every
authenticator app makes them) and ten single-use recovery codes.

A code is accepted once: the step it belongs to is recorded, and only a later step is
accepted after it, so a code seen over someone's shoulder cannot be replayed."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import pyotp
import sqlalchemy as sa

from roost.accounts.passwords import verify_password
from roost.accounts.tables import users
from roost.db import Database, Transaction
from roost.errors import Invalid
from roost.security.tables import recovery_codes, two_factor
from roost.timeutil import utcnow

RECOVERY_CODES = 10
STEP = 30  # seconds per code
# Codes of the step before and after are accepted too: a phone's clock drifts.
DRIFT = 1
ISSUER = "Roost"


@dataclass(frozen=True)
class TwoFactor:
    """An account's two-factor state: `enabled`, or a secret waiting for its first code."""

    secret: str
    enabled: bool
    recovery_left: int


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace("-", "").encode()).hexdigest()


def _step(now: datetime) -> int:
    return int(now.replace(tzinfo=UTC).timestamp()) // STEP  # `now` is naive UTC


def provisioning_uri(secret: str, name: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=issuer)


async def access_two_factor(db: Database | Transaction, account_id: int) -> TwoFactor | None:
    """The account's two-factor state, or None when it has never begun setting it up."""
    row = await db.fetch_one(
        sa.select(two_factor.c.secret, two_factor.c.enabled_at).where(
            two_factor.c.account_id == account_id
        )
    )
    if row is None:
        return None
    left = await db.scalar(
        sa.select(sa.func.count()).where(
            recovery_codes.c.account_id == account_id, recovery_codes.c.used_at.is_(None)
        )
    )
    return TwoFactor(row.secret, row.enabled_at is not None, int(left or 0))


async def two_factor_enabled(db: Database | Transaction, account_id: int) -> bool:
    """Does signing in to this account take a code after the password?"""
    row = await db.fetch_one(
        sa.select(two_factor.c.account_id).where(
            two_factor.c.account_id == account_id, two_factor.c.enabled_at.isnot(None)
        )
    )
    return row is not None


async def do_begin_setup(db: Database, account_id: int) -> str:
    """A new secret for the account to confirm with a code (`do_confirm_setup`); replaces
    one not confirmed yet. Invalid when two-factor sign-in is already on."""
    secret = pyotp.random_base32()
    async with db.transaction() as tx:
        if await two_factor_enabled(tx, account_id):
            raise Invalid("Two-factor authentication is already enabled")
        await tx.execute(two_factor.delete().where(two_factor.c.account_id == account_id))
        await tx.execute(
            two_factor.insert().values(account_id=account_id, secret=secret, created_at=utcnow())
        )
    return secret


async def _new_recovery_codes(tx: Transaction, account_id: int) -> list[str]:
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    await tx.execute(recovery_codes.delete().where(recovery_codes.c.account_id == account_id))
    await tx.execute(
        recovery_codes.insert(), [{"account_id": account_id, "code_hash": _hash(c)} for c in codes]
    )
    return codes


async def _accept_totp(tx: Transaction, account_id: int, code: str, now: datetime) -> bool:
    """Accept a TOTP code of the secret (once: its step must be later than the last one)."""
    row = await tx.fetch_one(
        sa.select(two_factor.c.secret, two_factor.c.last_step).where(
            two_factor.c.account_id == account_id
        )
    )
    code = code.strip().replace(" ", "")
    if row is None or len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(row.secret)
    current = _step(now)
    for step in range(current - DRIFT, current + DRIFT + 1):
        if secrets.compare_digest(totp.at(step * STEP), code):
            # Conditional, so two requests racing with the same code cannot both win.
            result = await tx.execute(
                two_factor.update()
                .where(two_factor.c.account_id == account_id, two_factor.c.last_step < step)
                .values(last_step=step)
            )
            return bool(result.rowcount)
    return False


async def do_confirm_setup(
    db: Database, account_id: int, code: str, now: datetime | None = None
) -> list[str]:
    """Turn two-factor sign-in on with a code from the new secret; returns the recovery
    codes, to show once (only their hashes are kept)."""
    async with db.transaction() as tx:
        state = await access_two_factor(tx, account_id)
        if state is None or state.enabled:
            raise Invalid("Set up two-factor authentication first")
        if not await _accept_totp(tx, account_id, code, now or utcnow()):
            raise Invalid("The code is wrong or was already used")
        await tx.execute(
            two_factor.update()
            .where(two_factor.c.account_id == account_id)
            .values(enabled_at=utcnow())
        )
        return await _new_recovery_codes(tx, account_id)


async def do_check_code(
    db: Database, account_id: int, code: str, now: datetime | None = None
) -> bool:
    """Is `code` a fresh TOTP code of the account, or one of its unused recovery codes
    (which is used up by this)? Each is accepted once."""
    code = code.strip()
    if not code or len(code) > 64:
        return False
    async with db.transaction() as tx:
        if await _accept_totp(tx, account_id, code, now or utcnow()):
            return True
        result = await tx.execute(
            recovery_codes.update()
            .where(
                recovery_codes.c.account_id == account_id,
                recovery_codes.c.code_hash == _hash(code),
                recovery_codes.c.used_at.is_(None),
            )
            .values(used_at=utcnow())
        )
        return bool(result.rowcount)


async def check_password(db: Database, account_id: int, password: str) -> bool:
    """Is this the account's password?"""
    hashed = await db.scalar(
        sa.select(users.c.password_hash).where(users.c.account_id == account_id)
    )
    return hashed is not None and bool(password) and await verify_password(str(hashed), password)


async def do_disable(db: Database, account_id: int, password: str, code: str) -> None:
    """Turn two-factor sign-in off: the password and a code (or a recovery code) needed."""
    if not await check_password(db, account_id, password):
        raise Invalid("The password is wrong")
    if not await do_check_code(db, account_id, code):
        raise Invalid("The code is wrong or was already used")
    await do_reset(db, account_id)


async def do_regenerate_codes(db: Database, account_id: int, code: str) -> list[str]:
    """Ten new recovery codes (the old ones stop working), after a code."""
    if not await two_factor_enabled(db, account_id):
        raise Invalid("Two-factor authentication is not enabled")
    if not await do_check_code(db, account_id, code):
        raise Invalid("The code is wrong or was already used")
    async with db.transaction() as tx:
        return await _new_recovery_codes(tx, account_id)


async def do_reset(db: Database, account_id: int) -> bool:
    """Remove the account's second factor (its owner's choice, or the operator's for
    someone who lost their device). False if there was none."""
    async with db.transaction() as tx:
        await tx.execute(recovery_codes.delete().where(recovery_codes.c.account_id == account_id))
        result = await tx.execute(two_factor.delete().where(two_factor.c.account_id == account_id))
    return bool(result.rowcount)
