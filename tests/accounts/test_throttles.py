"""Sign-in and sign-up throttling: per address, and per account across addresses (issue
12, item 12), with the limits an operator sets (issue 16)."""

from __future__ import annotations

import pytest

from roost.accounts.throttles import Throttles, TooManySignIns
from roost.config import Settings
from roost.instance import Roost
from tests.conftest import User, variant


async def test_one_account_is_throttled_whatever_the_address(
    roost: Roost, alice: User, bob: User
) -> None:
    throttles = roost.throttles
    for i in range(throttles.failed_sign_ins_per_account):
        address = f"10.0.{i // 250}.{i % 250}"
        assert await throttles.sign_in(address, "alice", "wrong") is None
    # A fresh address, and even the right password: alice's tries are used up for now.
    with pytest.raises(TooManySignIns):
        await throttles.sign_in("10.9.9.9", "ALICE", "password123")
    # Other accounts are not held back by alice's.
    login = await throttles.sign_in("10.9.9.9", "bob", "password123")
    assert login is not None
    assert login.account_id == bob.id


async def test_one_address_is_throttled_whatever_the_account(
    roost: Roost, alice: User, bob: User
) -> None:
    throttles = roost.throttles
    for i in range(throttles.failed_sign_ins_per_address):
        name = "alice" if i % 2 else "bob"
        assert await throttles.sign_in("10.1.1.1", name, "no") is None
    with pytest.raises(TooManySignIns):
        await throttles.sign_in("10.1.1.1", "bob", "password123")
    assert await throttles.sign_in("10.2.2.2", "bob", "password123") is not None


async def test_successful_sign_ins_do_not_count(roost: Roost, alice: User) -> None:
    for _ in range(roost.throttles.failed_sign_ins_per_address + 1):
        assert await roost.throttles.sign_in("10.3.3.3", "alice", "password123") is not None


async def test_signups_per_address(roost: Roost) -> None:
    throttles = roost.throttles
    assert all([await throttles.signup_allowed("10.4.4.4") for _ in range(5)])
    assert not await throttles.signup_allowed("10.4.4.4")
    assert await throttles.signup_allowed("10.5.5.5")


async def test_limits_come_from_settings_and_zero_turns_one_off(roost: Roost, alice: User) -> None:
    async with variant(roost, signup_limit=0, sign_in_limit=2, sign_in_account_limit=0) as other:
        throttles: Throttles = other.throttles
        assert all([await throttles.signup_allowed("10.6.6.6") for _ in range(50)])
        for _ in range(2):
            assert await throttles.sign_in("10.7.7.7", "alice", "wrong") is None
        with pytest.raises(TooManySignIns):
            await throttles.sign_in("10.7.7.7", "alice", "password123")


def test_limits_are_read_from_the_environment() -> None:
    env = {"ROOST_SIGNUP_LIMIT": "0", "ROOST_SIGN_IN_LIMIT": "3", "ROOST_TRUSTED_PROXIES": "*"}
    settings = Settings.from_env(env)
    assert (settings.signup_limit, settings.sign_in_limit) == (0, 3)
    assert settings.sign_in_account_limit == 25
    assert settings.trusted_proxies == "*"
    with pytest.raises(ValueError, match="ROOST_SIGNUP_LIMIT"):
        Settings.from_env({"ROOST_SIGNUP_LIMIT": "-1"})
