"""Sign-in throttling: per address, and per account across addresses (issue 12, item 12)."""

from __future__ import annotations

import pytest

from roost.accounts.throttles import (
    FAILED_SIGN_INS_PER_ACCOUNT,
    FAILED_SIGN_INS_PER_ADDRESS,
    TooManySignIns,
    signup_allowed,
    throttled_sign_in,
)
from roost.instance import Roost
from tests.conftest import User


async def test_one_account_is_throttled_whatever_the_address(
    roost: Roost, alice: User, bob: User
) -> None:
    for i in range(FAILED_SIGN_INS_PER_ACCOUNT):
        address = f"10.0.{i // 250}.{i % 250}"
        assert await throttled_sign_in(roost.db, roost.limiter, address, "alice", "wrong") is None
    # A fresh address, and even the right password: alice's tries are used up for now.
    with pytest.raises(TooManySignIns):
        await throttled_sign_in(roost.db, roost.limiter, "10.9.9.9", "ALICE", "password123")
    # Other accounts are not held back by alice's.
    login = await throttled_sign_in(roost.db, roost.limiter, "10.9.9.9", "bob", "password123")
    assert login is not None
    assert login.account_id == bob.id


async def test_one_address_is_throttled_whatever_the_account(
    roost: Roost, alice: User, bob: User
) -> None:
    for i in range(FAILED_SIGN_INS_PER_ADDRESS):
        name = "alice" if i % 2 else "bob"
        assert await throttled_sign_in(roost.db, roost.limiter, "10.1.1.1", name, "no") is None
    with pytest.raises(TooManySignIns):
        await throttled_sign_in(roost.db, roost.limiter, "10.1.1.1", "bob", "password123")
    login = await throttled_sign_in(roost.db, roost.limiter, "10.2.2.2", "bob", "password123")
    assert login is not None


async def test_successful_sign_ins_do_not_count(roost: Roost, alice: User) -> None:
    for _ in range(FAILED_SIGN_INS_PER_ADDRESS + 1):
        login = await throttled_sign_in(roost.db, roost.limiter, "10.3.3.3", "alice", "password123")
        assert login is not None


async def test_signups_per_address(roost: Roost) -> None:
    assert all([await signup_allowed(roost.limiter, "10.4.4.4") for _ in range(5)])
    assert not await signup_allowed(roost.limiter, "10.4.4.4")
    assert await signup_allowed(roost.limiter, "10.5.5.5")
