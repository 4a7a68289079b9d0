"""Two-factor sign-in: enabling it, signing in with a code on the web and through OAuth,
wrong and replayed codes, recovery codes, the throttle, the password grant, reset-2fa."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pyotp
from typer.testing import CliRunner

from roost.accounts.registration import do_create_account
from roost.cli import app as cli_app
from roost.config import Settings
from roost.instance import Roost
from roost.security.two_factor import do_begin_setup, do_confirm_setup, two_factor_enabled
from tests.api.test_oauth import (
    auth_params,
    csrf_field,
    exchange,
    redirected_query,
    register,
    submit,
    token_request,
)
from tests.conftest import User, variant
from tests.security.helpers import code_at, enable_two_factor
from tests.web.test_pages import csrf_of, sign_in


async def _password_step(client: httpx.AsyncClient, name: str = "alice") -> str:
    """Post the password; two-factor is on, so the answer asks for a code: its ticket."""
    page = await client.get("/login")
    r = await client.post(
        "/login",
        data={"csrf_token": csrf_of(page.text), "username": name, "password": "password123"},
    )
    assert r.status_code == 200, r.text
    assert 'name="code"' in r.text
    ticket = re.search(r'name="ticket" value="([^"]+)"', r.text)
    assert ticket
    return ticket.group(1)


async def _code_step(client: httpx.AsyncClient, ticket: str, code: str) -> httpx.Response:
    page = await client.get("/login")
    return await client.post(
        "/login",
        data={"csrf_token": csrf_of(page.text), "ticket": ticket, "code": code, "next": "/"},
    )


async def _signed_out(client: httpx.AsyncClient) -> None:
    client.cookies.clear()


async def test_enable_and_sign_in_with_a_code(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    await sign_in(client, alice)
    secret, codes = await enable_two_factor(client)
    assert await two_factor_enabled(roost.db, alice.id)
    page = await client.get("/settings/security")
    assert "Two-factor authentication is on" in page.text
    assert "Unused recovery codes: 10" in page.text

    await _signed_out(client)
    ticket = await _password_step(client)
    assert (await client.get("/settings/security")).status_code in (302, 303)  # not signed in
    wrong = await _code_step(client, ticket, "000000" if code_at(secret) != "000000" else "111111")
    assert wrong.status_code == 422
    assert "wrong or was already used" in wrong.text
    # The code confirming the setup (the previous step) was used already: a replay.
    replay = await _code_step(client, ticket, code_at(secret, -1))
    assert replay.status_code == 422
    ok = await _code_step(client, ticket, code_at(secret))
    assert ok.status_code == 303, ok.text
    assert (await client.get("/settings/security")).status_code == 200

    # The same code again, in another sign-in: refused (each code works once).
    await _signed_out(client)
    ticket = await _password_step(client)
    assert (await _code_step(client, ticket, code_at(secret))).status_code == 422
    # A recovery code works once.
    assert (await _code_step(client, ticket, codes[0])).status_code == 303
    await _signed_out(client)
    ticket = await _password_step(client)
    assert (await _code_step(client, ticket, codes[0])).status_code == 422
    # A forged ticket starts again from the password.
    forged = await _code_step(client, ticket.replace(".", "x", 1), codes[1])
    assert forged.status_code == 303
    assert forged.headers["location"] == "/login"


async def test_wrong_codes_are_throttled(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    secret = await do_begin_setup(roost.db, alice.id)
    await do_confirm_setup(roost.db, alice.id, pyotp.TOTP(secret).now())
    ticket = await _password_step(client)
    statuses = [(await _code_step(client, ticket, "12345x")).status_code for _ in range(11)]
    assert statuses[:9] == [422] * 9  # the password step counted nothing; 10 per address
    assert statuses[-1] == 429
    assert "Too many failed sign-in attempts" in (await _code_step(client, ticket, "1")).text


async def test_disable_needs_password_and_code(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    await sign_in(client, alice)
    _secret, codes = await enable_two_factor(client)
    page = await client.get("/settings/security")
    token = csrf_of(page.text)
    # Regenerating codes: the old ones stop working.
    r = await client.post("/settings/security/codes", data={"csrf_token": token, "code": codes[0]})
    assert r.status_code == 200
    new_codes = re.findall(r"<li><code>([0-9a-f]{10})</code></li>", r.text)
    assert len(new_codes) == 10
    assert codes[1] not in new_codes
    bad = await client.post(
        "/settings/security/disable",
        data={"csrf_token": token, "password": "wrong-password", "code": new_codes[0]},
    )
    assert bad.status_code == 422
    stale = await client.post(
        "/settings/security/disable",
        data={"csrf_token": token, "password": "password123", "code": codes[1]},
    )
    assert stale.status_code == 422
    assert await two_factor_enabled(roost.db, alice.id)
    r = await client.post(
        "/settings/security/disable",
        data={"csrf_token": token, "password": "password123", "code": new_codes[0]},
    )
    assert r.status_code == 303
    assert not await two_factor_enabled(roost.db, alice.id)
    await _signed_out(client)
    await sign_in(client, alice)  # the password alone again


async def test_oauth_authorize_asks_for_the_code(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    secret = await do_begin_setup(roost.db, alice.id)
    await do_confirm_setup(roost.db, alice.id, code_at(secret, -1))
    app = await register(client)
    params = auth_params(app)
    r = await submit(client, params)
    assert r.status_code == 200, r.text
    assert 'name="code"' in r.text
    assert 'name="password"' not in r.text
    ticket = re.search(r'name="ticket" value="([^"]+)"', r.text)
    assert ticket
    form = {**params, "csrf_token": csrf_field(r.text), "ticket": ticket.group(1)}
    wrong = await client.post("/oauth/authorize", data={**form, "code": code_at(secret, -1)})
    assert wrong.status_code == 422
    assert "wrong or was already used" in wrong.text
    ok = await client.post("/oauth/authorize", data={**form, "code": code_at(secret)})
    code = redirected_query(ok)["code"]
    assert (await exchange(client, app, code)).status_code == 200
    forged = await client.post("/oauth/authorize", data={**form, "ticket": "1.2.3", "code": "1"})
    assert forged.status_code == 422


async def test_password_grant_refuses_two_factor_accounts(roost: Roost, alice: User) -> None:
    secret = await do_begin_setup(roost.db, alice.id)
    await do_confirm_setup(roost.db, alice.id, pyotp.TOTP(secret).now())
    async with variant(roost, oauth_password_grant=True) as other:
        from roost.app import create_app

        transport = httpx.ASGITransport(app=create_app(other.settings, other))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            app = await register(c)
            r = await token_request(
                c, app, grant_type="password", username="alice", password="password123"
            )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
    assert "two-factor" in r.json()["error_description"]


def test_reset_2fa_command(settings: Settings, tmp_path: Path) -> None:
    name = f"lostphone{tmp_path.name[-6:].replace('_', '')}"

    async def prepare() -> int:
        roost = Roost(settings)
        try:
            account = await do_create_account(
                roost.db, username=name, email=f"{name}@example.com", password="password123"
            )
            secret = await do_begin_setup(roost.db, account.id)
            await do_confirm_setup(roost.db, account.id, pyotp.TOTP(secret).now())
            return int(account.id)
        finally:
            await roost.close()
            await roost.db.dispose()

    async def enabled(account_id: int) -> bool:
        roost = Roost(settings)
        try:
            return await two_factor_enabled(roost.db, account_id)
        finally:
            await roost.close()
            await roost.db.dispose()

    account_id = asyncio.run(prepare())
    env = {
        "ROOST_DATABASE_URL": settings.database_url,
        "ROOST_DATA_DIR": str(tmp_path),
        "ROOST_SECRET_KEY": "test",
    }
    result = CliRunner().invoke(cli_app, ["users", "reset-2fa", name], env=env)
    assert result.exit_code == 0, result.output
    assert "is off" in result.output
    assert not asyncio.run(enabled(account_id))
    again = CliRunner().invoke(cli_app, ["users", "reset-2fa", name], env=env)
    assert "has no two-factor" in again.output
