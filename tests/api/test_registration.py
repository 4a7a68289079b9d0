"""Signing up through POST /api/v1/accounts: open, approval and closed registrations."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import sqlalchemy as sa

from roost.accounts.registration import do_create_account
from roost.accounts.tables import users
from roost.app import create_app
from roost.ids import new_id
from roost.instance import Roost
from roost.oauth.actions import do_create_token
from roost.oauth.tables import apps
from roost.timeutil import utcnow
from tests.conftest import MakeUser

APP_SCOPES = "read write follow"


async def app_token(roost: Roost, scopes: str = APP_SCOPES) -> dict[str, str]:
    """Headers with a client_credentials token of a freshly registered app."""
    app_id = new_id()
    async with roost.db.transaction() as tx:
        await tx.execute(
            apps.insert().values(
                id=app_id,
                name="Signup app",
                redirect_uris="urn:ietf:wg:oauth:2.0:oob",
                scopes=APP_SCOPES,
                client_id=f"client-{app_id}",
                client_secret="secret",
                created_at=utcnow(),
            )
        )
    token = await do_create_token(roost.db, account_id=None, app_id=app_id, scopes=scopes)
    return {"Authorization": f"Bearer {token.access_token}"}


def signup(username: str = "newbie", **extra: Any) -> dict[str, Any]:
    return {
        "username": username,
        "email": f"{username}@example.com",
        "password": "correct horse",
        "agreement": "true",
        "locale": "en",
        **extra,
    }


async def post(
    client: httpx.AsyncClient, roost: Roost, data: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    """Sign up with the rate limiter reset first."""
    await roost.limiter.clear()
    return await client.post("/api/v1/accounts", data=data, headers=headers)


async def test_open_registration_returns_working_token(
    client: httpx.AsyncClient, roost: Roost
) -> None:
    headers = await app_token(roost)
    r = await client.post("/api/v1/accounts", data=signup(), headers=headers)
    assert r.status_code == 200, r.text
    token = r.json()
    assert set(token) == {"access_token", "token_type", "scope", "created_at"}
    assert token["token_type"] == "Bearer"
    assert token["scope"] == APP_SCOPES  # the app's registered scopes
    assert isinstance(token["created_at"], int)
    r = await client.get(
        "/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["username"] == "newbie"
    assert r.json()["source"]["privacy"] == "public"


async def test_registration_with_json_body_and_user_token(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    alice = await make_user("alice", scopes="read write:accounts")
    body = signup("jsonuser") | {"agreement": True}
    r = await client.post("/api/v1/accounts", json=body, headers=alice.auth)
    assert r.status_code == 200, r.text
    # Without an app, the new token gets the caller's scopes.
    assert r.json()["scope"] == "read write:accounts"


async def test_registration_needs_a_token_with_write_accounts(
    client: httpx.AsyncClient, roost: Roost
) -> None:
    r = await client.post("/api/v1/accounts", data=signup())
    assert r.status_code == 401
    r = await client.post("/api/v1/accounts", data=signup(), headers=await app_token(roost, "read"))
    assert r.status_code == 403


async def test_validation_errors_have_mastodon_details(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser
) -> None:
    # Failed attempts count against the sign-up limit too; this test makes many.
    await make_user("taken")
    headers = await app_token(roost)
    r = await post(client, roost, signup("TAKEN", email="fresh@example.com"), headers=headers)
    assert r.status_code == 422
    assert r.json()["error"] == "Validation failed: Username has already been taken"
    assert r.json()["details"] == {
        "username": [{"error": "ERR_TAKEN", "description": "has already been taken"}]
    }
    r = await post(client, roost, signup("other", email="TAKEN@example.com"), headers=headers)
    assert r.status_code == 422
    assert r.json()["error"] == "Validation failed: Email has already been taken"

    r = await client.post(
        "/api/v1/accounts",
        data=signup("bad name!", password="short", agreement="false", email="nope"),
        headers=headers,
    )
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == (
        "Validation failed: Username must contain only letters, numbers and underscores, "
        "Email is invalid, Password is too short (minimum is 8 characters), "
        "Agreement must be accepted"
    )
    assert {k: [e["error"] for e in v] for k, v in body["details"].items()} == {
        "username": ["ERR_INVALID"],
        "email": ["ERR_INVALID"],
        "password": ["ERR_TOO_SHORT"],
        "agreement": ["ERR_ACCEPTED"],
    }
    for bad, code in [
        ({"username": "admin"}, "ERR_RESERVED"),
        ({"username": "x" * 31}, "ERR_TOO_LONG"),
        ({"username": ""}, "ERR_BLANK"),
    ]:
        r = await post(client, roost, signup() | bad, headers=headers)
        assert r.status_code == 422
        assert r.json()["details"]["username"][0]["error"] == code
    r = await post(client, roost, signup(locale="<script>"), headers=headers)
    assert r.status_code == 422
    assert r.json()["details"]["locale"][0]["error"] == "ERR_INCLUSION"
    r = await post(client, roost, signup(agreement="maybe"), headers=headers)
    assert r.status_code == 422
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(users)) == 1


async def test_approval_registration_waits_for_a_moderator(
    client: httpx.AsyncClient, roost: Roost
) -> None:
    roost.settings = dataclasses.replace(roost.settings, registrations="approval")
    headers = await app_token(roost)
    r = await client.post("/api/v1/accounts", data=signup(), headers=headers)
    assert r.status_code == 422
    assert r.json()["details"]["reason"][0]["error"] == "ERR_BLANK"

    r = await client.post("/api/v1/accounts", data=signup(reason="I like birds"), headers=headers)
    assert r.status_code == 200, r.text
    new_auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
    row = await roost.db.fetch_one(sa.select(users.c.approved, users.c.reason))
    assert row is not None
    assert (row.approved, row.reason) == (False, "I like birds")
    r = await client.get("/api/v1/accounts/verify_credentials", headers=new_auth)
    assert r.status_code == 401
    # Waiting accounts are not shown to anyone.
    r = await client.get("/api/v1/accounts/lookup", params={"acct": "newbie"})
    assert r.status_code == 404

    await roost.db.execute(sa.update(users).values(approved=True))
    roost.tokens.clear()
    r = await client.get("/api/v1/accounts/verify_credentials", headers=new_auth)
    assert r.status_code == 200
    r = await client.get("/api/v1/accounts/lookup", params={"acct": "newbie"})
    assert r.status_code == 200


async def test_closed_registration_is_forbidden(client: httpx.AsyncClient, roost: Roost) -> None:
    roost.settings = dataclasses.replace(roost.settings, registrations="closed")
    r = await client.post("/api/v1/accounts", data=signup(), headers=await app_token(roost))
    assert r.status_code == 403
    assert r.json() == {"error": "Registrations are closed on this server"}
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(users)) == 0


async def test_registrations_are_rate_limited_per_ip(
    client: httpx.AsyncClient, roost: Roost
) -> None:
    headers = await app_token(roost)
    for i in range(5):
        r = await client.post("/api/v1/accounts", data=signup(f"user{i}"), headers=headers)
        assert r.status_code == 200, r.text
    r = await client.post("/api/v1/accounts", data=signup("user5"), headers=headers)
    assert r.status_code == 429
    assert "error" in r.json()
    # Another address is not affected.
    app = create_app(roost.settings, roost)
    transport = httpx.ASGITransport(app=app, client=("192.0.2.7", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        r = await other.post("/api/v1/accounts", data=signup("user5"), headers=headers)
        assert r.status_code == 200, r.text


async def test_sign_ups_keep_the_rules_the_operator_may_skip(
    client: httpx.AsyncClient, roost: Roost
) -> None:
    headers = await app_token(roost)
    # Mastodon's shape, field by field, with several wrong at once (its documentation's
    # 422 example): a reserved name, a local-only email domain, no agreement at all.
    r = await post(
        client,
        roost,
        {"username": "admin", "email": "admin@localhost", "password": "correct horse"},
        headers=headers,
    )
    assert r.status_code == 422
    assert r.json() == {
        "error": "Validation failed: Username is reserved, Email is invalid, "
        "Agreement must be accepted",
        "details": {
            "username": [{"error": "ERR_RESERVED", "description": "is reserved"}],
            "email": [{"error": "ERR_INVALID", "description": "is invalid"}],
            "agreement": [{"error": "ERR_ACCEPTED", "description": "must be accepted"}],
        },
    }
    # The operator's path (`roost users create admin --email admin@localhost --admin`).
    made = await do_create_account(
        roost.db, username="admin", email="admin@localhost", password="pw-12345", role="owner"
    )
    token = await do_create_token(roost.db, account_id=made.id, app_id=None, scopes="read")
    r = await client.get(
        "/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {token.access_token}"},
    )
    assert (r.json()["username"], r.json()["role"]["name"]) == ("admin", "Owner")
    r = await post(client, roost, signup("other", email="ADMIN@localhost"), headers=headers)
    assert r.json()["details"]["email"] == [{"error": "ERR_INVALID", "description": "is invalid"}]
