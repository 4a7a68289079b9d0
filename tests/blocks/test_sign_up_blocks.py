"""Blocks at sign-up (API and web), and `no_access` IP blocks on every request."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa

from roost.accounts.tables import accounts, users
from roost.blocks import actions
from roost.blocks.tables import ip_blocks
from roost.instance import Roost
from roost.moderation.staff import OPERATOR
from roost.timeutil import utcnow
from tests.api.test_registration import app_token, post, signup
from tests.conftest import variant
from tests.web.test_pages import csrf

BLOCKED = {"email": [{"error": "ERR_BLOCKED", "description": "uses a disallowed e-mail provider"}]}


async def approved(roost: Roost, username: str) -> bool | None:
    """Whether the account is approved (None: it was not created)."""
    found = await roost.db.fetch_one(
        sa.select(users.c.approved, users.c.sign_up_ip)
        .select_from(users.join(accounts, accounts.c.id == users.c.account_id))
        .where(accounts.c.username == username)
    )
    if found is None:
        return None
    assert found.sign_up_ip == "127.0.0.1"  # the test client's address
    return bool(found.approved)


async def test_email_domain_blocks_at_sign_up(client: httpx.AsyncClient, roost: Roost) -> None:
    headers = await app_token(roost)
    await actions.do_block_email_domain(roost.db, OPERATOR, "spam.example")
    await actions.do_block_email_domain(
        roost.db, OPERATOR, "slow.example", allow_with_approval=True
    )
    for email in ("x@spam.example", "x@mail.spam.example", "x@SPAM.example"):
        r = await post(client, roost, signup("spammer", email=email), headers)
        assert r.status_code == 422, email
        assert r.json()["details"] == BLOCKED
    assert await approved(roost, "spammer") is None
    r = await post(client, roost, signup("ok", email="x@notspam.example"), headers)
    assert r.status_code == 200
    assert await approved(roost, "ok") is True
    # allow_with_approval: the account is made, and waits (no reason needed).
    r = await post(client, roost, signup("slowpoke", email="s@slow.example"), headers)
    assert r.status_code == 200, r.text
    assert await approved(roost, "slowpoke") is False
    auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert (
        await client.get("/api/v1/accounts/verify_credentials", headers=auth)
    ).status_code != 200


async def test_canonical_email_blocks_at_sign_up(client: httpx.AsyncClient, roost: Roost) -> None:
    headers = await app_token(roost)
    await actions.do_block_canonical_email(roost.db, OPERATOR, email="bad.guy@example.com")
    r = await post(client, roost, signup("badguy", email="Bad.Guy+new@example.com"), headers)
    assert r.status_code == 422
    assert r.json()["details"]["email"][0]["error"] == "ERR_TAKEN"
    r = await post(client, roost, signup("badguy", email="badguy@example.org"), headers)
    assert r.status_code == 200


async def test_ip_blocks_at_sign_up(client: httpx.AsyncClient, roost: Roost) -> None:
    headers = await app_token(roost)
    block = await actions.do_block_ip(roost.db, OPERATOR, "127.0.0.0/8", "sign_up_block")
    r = await post(client, roost, signup("one"), headers)
    assert r.status_code == 422
    assert "error" in r.json()
    assert await approved(roost, "one") is None
    await actions.do_update_ip_block(
        roost.db, OPERATOR, block, severity="sign_up_requires_approval"
    )
    r = await post(client, roost, signup("two"), headers)
    assert r.status_code == 200
    assert await approved(roost, "two") is False
    # Expired blocks no longer count.
    await actions.do_update_ip_block(roost.db, OPERATOR, block, severity="sign_up_block")
    assert (await post(client, roost, signup("three"), headers)).status_code == 422
    async with roost.db.transaction() as tx:
        await tx.execute(ip_blocks.update().values(expires_at=utcnow() - timedelta(minutes=1)))
    r = await post(client, roost, signup("three"), headers)
    assert r.status_code == 200
    assert await approved(roost, "three") is True


async def test_no_access_refuses_every_request(client: httpx.AsyncClient, roost: Roost) -> None:
    assert (await client.get("/api/v1/instance")).status_code == 200
    block = await actions.do_block_ip(roost.db, OPERATOR, "127.0.0.1", "no_access")
    r = await client.get("/api/v1/instance")
    assert (r.status_code, r.json()) == (403, {"error": "Access from your network is not allowed"})
    r = await client.get("/public")
    assert r.status_code == 403
    assert "not allowed" in r.text
    # Another address is let through (the client's, as uvicorn gives it).
    other = httpx.ASGITransport(app=client._transport.app, client=("192.0.2.7", 1234))  # type: ignore[attr-defined]  # httpx's private transport
    async with httpx.AsyncClient(transport=other, base_url="http://testserver") as c:
        assert (await c.get("/api/v1/instance")).status_code == 200
    # An expired block stops counting within the reload time (here: at once, dropped).
    async with roost.db.transaction() as tx:
        await tx.execute(ip_blocks.update().values(expires_at=utcnow() - timedelta(minutes=1)))
    roost.ip_access.drop()
    assert (await client.get("/api/v1/instance")).status_code == 200
    await actions.do_update_ip_block(roost.db, OPERATOR, block, expires_in=None)
    assert (await client.get("/api/v1/instance")).status_code == 403
    await actions.do_unblock_ip(roost.db, OPERATOR, block)
    assert (await client.get("/api/v1/instance")).status_code == 200


async def test_web_sign_up_blocks(client: httpx.AsyncClient, roost: Roost) -> None:
    await actions.do_block_email_domain(roost.db, OPERATOR, "spam.example")
    await actions.do_block_email_domain(
        roost.db, OPERATOR, "slow.example", allow_with_approval=True
    )
    token = await csrf(client)
    form = {"csrf_token": token, "username": "webby", "email": "w@spam.example",
            "password": "password123", "agreement": "1"}  # fmt: skip
    r = await client.post("/signup", data=form)
    assert r.status_code == 422
    assert "Sign-ups with this email provider are not allowed." in r.text
    r = await client.post("/signup", data={**form, "email": "w@slow.example"})
    assert r.status_code == 200
    assert "The moderators will review your request." in r.text
    assert await approved(roost, "webby") is False
    await actions.do_block_ip(roost.db, OPERATOR, "127.0.0.1/32", "sign_up_block")
    await roost.limiter.clear()
    r = await client.post("/signup", data={**form, "username": "webby2", "email": "w2@x.example"})
    assert r.status_code == 422
    assert "Sign-ups from your network are not allowed" in r.text
    assert await approved(roost, "webby2") is None


async def test_other_processes_hear_of_ip_block_changes(roost: Roost) -> None:
    """Another instance (as another web process) drops its list when a change is
    published; on Redis it hears it, without Redis it reads again after RELOAD_SECONDS."""
    if roost.settings.redis_url is None:
        pytest.skip("in-process pub/sub reaches only its own instance")
    async with variant(roost) as other:
        listening = other.start_listeners()
        try:
            assert not await other.ip_access.refused("192.0.2.9")  # its list, read now
            await asyncio.sleep(0.2)  # the listener has subscribed
            await actions.do_block_ip(roost.db, OPERATOR, "192.0.2.0/24", "no_access")
            for _ in range(100):
                if await other.ip_access.refused("192.0.2.9"):
                    break
                await asyncio.sleep(0.05)
            assert await other.ip_access.refused("192.0.2.9")
            assert not await other.ip_access.refused("192.0.3.9")
        finally:
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listening
