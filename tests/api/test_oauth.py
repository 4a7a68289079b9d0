"""OAuth 2 end to end: the consent page, /oauth/token's grants, revocation, metadata, scopes."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import sqlalchemy as sa

from roost.accounts.tables import accounts
from roost.api.http import Api, ApiRequest
from roost.app import create_app
from roost.http.responses import json_response
from roost.instance import Roost
from roost.oauth.queries import TOKEN_CHANNEL, token_hash
from roost.oauth.scopes import ALL_SCOPES, scope_allows
from roost.oauth.tables import oauth_codes, tokens
from roost.timeutil import utcnow
from roost.web.csrf import CSRF_COOKIE, csrf_token_valid, make_csrf_token
from tests.conftest import MakeUser, User, variant

CB = "https://app.example/callback"
OOB = "urn:ietf:wg:oauth:2.0:oob"
VERIFY = "/api/v1/apps/verify_credentials"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def register(
    client: httpx.AsyncClient, scopes: str = "read write follow", **extra: Any
) -> dict[str, Any]:
    body = {"client_name": "Tooter", "redirect_uris": [CB, OOB], "scopes": scopes, **extra}
    r = await client.post("/api/v1/apps", json=body)
    assert r.status_code == 200, r.text
    app: dict[str, Any] = r.json()
    return app


def auth_params(app: dict[str, Any], **extra: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": CB,
        "scope": "read write",
        "state": "xyz-123",
        **extra,
    }


def csrf_field(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no csrf field in the page"
    return match.group(1)


async def submit(
    client: httpx.AsyncClient,
    params: dict[str, str],
    *,
    login: str = "alice",
    password: str = "password123",
    decision: str = "authorize",
) -> httpx.Response:
    """Open the consent page, then post it as a browser would."""
    page = await client.get("/oauth/authorize", params=params)
    assert page.status_code == 200, page.text
    form = {
        **params,
        "csrf_token": csrf_field(page.text),
        "username": login,
        "password": password,
        "decision": decision,
    }
    return await client.post("/oauth/authorize", data=form)


def redirected_query(r: httpx.Response) -> dict[str, str]:
    assert r.status_code == 302, r.text
    location = r.headers["location"]
    assert location.startswith(CB + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def get_code(client: httpx.AsyncClient, app: dict[str, Any], **extra: str) -> dict[str, str]:
    return redirected_query(await submit(client, auth_params(app, **extra)))


async def token_request(client: httpx.AsyncClient, app: dict[str, Any], **data: str) -> Any:
    body = {"client_id": app["client_id"], "client_secret": app["client_secret"], **data}
    return await client.post("/oauth/token", data=body)


async def exchange(
    client: httpx.AsyncClient, app: dict[str, Any], code: str, **extra: str
) -> httpx.Response:
    r: httpx.Response = await token_request(
        client, app, grant_type="authorization_code", code=code, redirect_uri=CB, **extra
    )
    return r


async def test_full_authorization_code_flow(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    app = await register(client, website="https://app.example")
    verifier, challenge = pkce()
    params = auth_params(app, code_challenge=challenge, code_challenge_method="S256")

    page = await client.get("/oauth/authorize", params=params)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Tooter" in page.text
    assert "https://app.example" in page.text
    assert "Read all your account" in page.text
    assert "Change all your account" in page.text
    csrf = csrf_field(page.text)
    assert csrf_token_valid(roost.settings.secret_key, csrf)
    assert page.cookies[CSRF_COOKIE] == csrf
    cookie_header = page.headers["set-cookie"].lower()
    assert "httponly" in cookie_header
    assert "samesite=lax" in cookie_header
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "form-action 'self' https://app.example" in csp

    form = {**params, "csrf_token": csrf, "username": "alice", "decision": "authorize"}
    wrong = await client.post("/oauth/authorize", data={**form, "password": "nope-nope"})
    assert wrong.status_code == 422
    assert "Wrong username, email or password." in wrong.text
    assert "location" not in wrong.headers
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(oauth_codes)) == 0

    ok = await client.post("/oauth/authorize", data={**form, "password": "password123"})
    query = redirected_query(ok)
    assert query["state"] == "xyz-123"
    code = query["code"]

    r = await exchange(client, app, code, code_verifier=verifier)
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    tok = r.json()
    assert set(tok) == {"access_token", "token_type", "scope", "created_at", "refresh_token"}
    assert tok["token_type"] == "Bearer"
    assert tok["scope"] == "read write"
    assert abs(tok["created_at"] - time.time()) < 60
    row = await roost.db.fetch_one(sa.select(tokens).where(tokens.c.scopes == "read write"))
    assert row is not None
    assert row.account_id == alice.id

    me = await client.get(VERIFY, headers=bearer(tok["access_token"]))
    assert me.status_code == 200
    assert me.json()["name"] == "Tooter"

    # Refreshing rotates the pair: the old access and refresh tokens stop working (as with
    # Doorkeeper's default), so refreshing never piles up live tokens.
    r = await token_request(
        client, app, grant_type="refresh_token", refresh_token=tok["refresh_token"]
    )
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["access_token"] != tok["access_token"]
    assert new["refresh_token"] != tok["refresh_token"]
    assert new["scope"] == "read write"
    assert (await client.get(VERIFY, headers=bearer(new["access_token"]))).status_code == 200
    assert (await client.get(VERIFY, headers=bearer(tok["access_token"]))).status_code == 401
    again = await token_request(
        client, app, grant_type="refresh_token", refresh_token=tok["refresh_token"]
    )
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"

    r = await client.post(
        "/oauth/revoke",
        data={
            "token": new["access_token"],
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert r.status_code == 200
    assert r.json() == {}
    assert (await client.get(VERIFY, headers=bearer(new["access_token"]))).status_code == 401
    revoked = await roost.db.fetch_one(sa.select(tokens).where(tokens.c.revoked_at.is_not(None)))
    assert revoked is not None
    # The refresh token died with its access token.
    r = await token_request(
        client, app, grant_type="refresh_token", refresh_token=new["refresh_token"]
    )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"


async def test_consent_page_escapes_and_is_accessible(client: httpx.AsyncClient) -> None:
    app = await register(client, client_name="<script>alert(1)</script>&co")
    r = await client.get("/oauth/authorize", params=auth_params(app, lang="fr"))
    assert r.status_code == 200
    html = r.text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;co" in html
    assert "<script" not in html
    assert "style=" not in html
    assert "<style" not in html
    assert '<html lang="fr">' in html
    assert "<main" in html
    assert '<label for="username">' in html
    assert 'id="username"' in html
    assert '<label for="password">' in html
    assert 'id="password"' in html
    assert ">Authorize</button>" in html
    assert ">Deny</button>" in html
    assert '<link rel="stylesheet" href="/static/oauth.css">' in html
    css = await client.get("/static/oauth.css")
    assert css.status_code == 200
    assert "body" in css.text


async def test_pkce_failures(client: httpx.AsyncClient, alice: User) -> None:
    app = await register(client)
    verifier, challenge = pkce()
    code = (await get_code(client, app, code_challenge=challenge, code_challenge_method="S256"))[
        "code"
    ]
    for bad in ({}, {"code_verifier": pkce()[0]}, {"code_verifier": "short"}):
        r = await exchange(client, app, code, **bad)
        assert r.status_code == 400, bad
        assert r.json()["error"] == "invalid_grant"
        assert r.json()["error_description"]
    # Failed attempts do not burn the code: the real client can still finish.
    assert (await exchange(client, app, code, code_verifier=verifier)).status_code == 200


async def test_verifier_without_challenge_is_refused(
    client: httpx.AsyncClient, alice: User
) -> None:
    app = await register(client)
    code = (await get_code(client, app))["code"]
    r = await exchange(client, app, code, code_verifier=pkce()[0])
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"


async def test_plain_pkce_method_is_refused(client: httpx.AsyncClient) -> None:
    app = await register(client)
    verifier = pkce()[0]
    r = await client.get(
        "/oauth/authorize",
        params=auth_params(app, code_challenge=verifier, code_challenge_method="plain"),
    )
    assert r.status_code == 400
    assert "S256" in r.text
    assert "location" not in r.headers


async def test_code_is_single_use(client: httpx.AsyncClient, alice: User) -> None:
    app = await register(client)
    code = (await get_code(client, app))["code"]
    assert (await exchange(client, app, code)).status_code == 200
    r = await exchange(client, app, code)
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
    assert "already been used" in r.json()["error_description"]


async def test_code_checks_redirect_uri_client_and_expiry(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    app = await register(client)
    other = await register(client)
    code = (await get_code(client, app))["code"]
    r = await token_request(
        client, app, grant_type="authorization_code", code=code, redirect_uri=OOB
    )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
    r = await exchange(client, other, code)
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
    r = await exchange(client, app, "not-a-code")
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
    await roost.db.execute(
        sa.update(oauth_codes).values(expires_at=utcnow() - timedelta(seconds=1))
    )
    r = await exchange(client, app, code)
    assert r.status_code == 400
    assert "expired" in r.json()["error_description"]


async def test_bad_authorization_requests_show_an_error_page(client: httpx.AsyncClient) -> None:
    app = await register(client, scopes="read")
    cases = [
        ({"client_id": "nope"}, "client_id"),
        ({"redirect_uri": "https://evil.example/cb"}, "redirect_uri"),
        ({"scope": "read write"}, "scopes"),
        ({"scope": "read fly"}, "scopes"),
        ({"response_type": "token"}, "response_type"),
        ({"response_mode": "web_message"}, "response_mode"),
        ({"code_challenge": "too-short", "code_challenge_method": "S256"}, "code_challenge"),
    ]
    for extra, message in cases:
        params = {**auth_params(app, scope="read"), **extra}
        r = await client.get("/oauth/authorize", params=params)
        assert r.status_code == 400, extra
        assert "location" not in r.headers
        assert r.headers["content-type"].startswith("text/html")
        assert message in r.text, extra
        assert "evil.example" not in r.headers["content-security-policy"]


async def test_csrf_is_required(client: httpx.AsyncClient, roost: Roost, alice: User) -> None:
    app = await register(client)
    params = auth_params(app)
    page = await client.get("/oauth/authorize", params=params)
    csrf = csrf_field(page.text)
    form = {**params, "username": "alice", "password": "password123", "decision": "authorize"}

    r = await client.post("/oauth/authorize", data=form)  # no field
    assert r.status_code == 403
    assert "did not come from this site" in r.text
    forged = make_csrf_token("someone else's key")
    r = await client.post("/oauth/authorize", data={**form, "csrf_token": forged})
    assert r.status_code == 403
    client.cookies.delete(CSRF_COOKIE)
    r = await client.post("/oauth/authorize", data={**form, "csrf_token": csrf})  # no cookie
    assert r.status_code == 403
    client.cookies.set(CSRF_COOKIE, forged)
    r = await client.post("/oauth/authorize", data={**form, "csrf_token": forged})
    assert r.status_code == 403
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(oauth_codes)) == 0


async def test_deny_redirects_with_access_denied(client: httpx.AsyncClient, roost: Roost) -> None:
    app = await register(client)
    r = await submit(client, auth_params(app), password="", decision="deny")
    query = redirected_query(r)
    assert query["error"] == "access_denied"
    assert query["state"] == "xyz-123"
    assert "code" not in query


async def test_out_of_band_code_is_shown(client: httpx.AsyncClient, alice: User) -> None:
    app = await register(client)
    r = await submit(client, auth_params(app, redirect_uri=OOB))
    assert r.status_code == 200
    match = re.search(r'id="code" type="text" readonly value="([^"]+)"', r.text)
    assert match
    tok = await token_request(
        client, app, grant_type="authorization_code", code=match.group(1), redirect_uri=OOB
    )
    assert tok.status_code == 200, tok.text


async def test_response_modes(client: httpx.AsyncClient, alice: User) -> None:
    app = await register(client)
    r = await submit(client, auth_params(app, response_mode="fragment"))
    assert r.status_code == 302
    assert r.headers["location"].startswith(CB + "#code=")
    r = await submit(client, auth_params(app, response_mode="form_post"))
    assert r.status_code == 200
    assert f'action="{CB}"' in r.text
    assert 'name="state" value="xyz-123"' in r.text
    assert "form-action 'self' https://app.example" in r.headers["content-security-policy"]


async def test_unapproved_and_suspended_accounts_cannot_authorize(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser
) -> None:
    await make_user("waiting", approved=False)
    gone = await make_user("gone")
    await roost.db.execute(
        sa.update(accounts).where(accounts.c.id == gone.id).values(suspended_at=utcnow())
    )
    app = await register(client)
    r = await submit(client, auth_params(app), login="waiting")
    assert r.status_code == 403
    assert "waiting for approval" in r.text
    r = await submit(client, auth_params(app), login="gone@example.com")
    assert r.status_code == 403
    assert "suspended" in r.text
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(oauth_codes)) == 0


async def test_failed_logins_are_rate_limited(client: httpx.AsyncClient, alice: User) -> None:
    app = await register(client)
    for _ in range(10):
        r = await submit(client, auth_params(app), password="wrong-password")
        assert r.status_code == 422
    r = await submit(client, auth_params(app))  # even the right password is refused now
    assert r.status_code == 429
    assert "Too many failed sign-in attempts" in r.text


async def test_client_credentials(client: httpx.AsyncClient, roost: Roost) -> None:
    app = await register(client)
    r = await token_request(client, app, grant_type="client_credentials", scope="read write")
    assert r.status_code == 200, r.text
    tok = r.json()
    assert "refresh_token" not in tok
    assert tok["scope"] == "read write"
    row = await roost.db.fetch_one(sa.select(tokens))
    assert row is not None
    assert row.account_id is None
    assert row.app_id == int(app["id"])
    assert (await client.get(VERIFY, headers=bearer(tok["access_token"]))).status_code == 200
    r = await token_request(client, app, grant_type="client_credentials")
    assert r.json()["scope"] == "read"  # the default
    r = await token_request(client, app, grant_type="client_credentials", scope="push")
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_scope"


async def test_client_authentication(client: httpx.AsyncClient) -> None:
    app = await register(client)
    r = await token_request(
        client, app, grant_type="client_credentials", client_secret="wrong-secret"
    )
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client"
    r = await client.post("/oauth/token", data={"grant_type": "client_credentials"})
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client"
    basic = httpx.BasicAuth(app["client_id"], app["client_secret"])
    r = await client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=basic)
    assert r.status_code == 200, r.text
    bad = httpx.BasicAuth(app["client_id"], "nope")
    r = await client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=bad)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Basic")
    r = await client.post(
        "/oauth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        "/oauth/token", content=b"{oops", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_request"


async def test_grant_type_errors(client: httpx.AsyncClient) -> None:
    app = await register(client)
    r = await token_request(client, app)
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_request"
    r = await token_request(client, app, grant_type="implicit")
    assert r.status_code == 400
    assert r.json()["error"] == "unsupported_grant_type"
    r = await token_request(client, app, grant_type="authorization_code")
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_request"
    r = await token_request(client, app, grant_type="refresh_token", refresh_token="nope")
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"


async def test_refresh_token_is_bound_to_its_app_and_scopes(
    client: httpx.AsyncClient, alice: User
) -> None:
    app = await register(client)
    other = await register(client)
    tok = (await exchange(client, app, (await get_code(client, app))["code"])).json()
    r = await token_request(
        client, other, grant_type="refresh_token", refresh_token=tok["refresh_token"]
    )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
    r = await token_request(
        client, app, grant_type="refresh_token", refresh_token=tok["refresh_token"], scope="follow"
    )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_scope"
    r = await token_request(
        client, app, grant_type="refresh_token", refresh_token=tok["refresh_token"], scope="read"
    )
    assert r.status_code == 200
    assert r.json()["scope"] == "read"


async def test_password_grant_is_off_by_default(client: httpx.AsyncClient, alice: User) -> None:
    app = await register(client)
    r = await token_request(
        client, app, grant_type="password", username="alice", password="password123"
    )
    assert r.status_code == 400
    assert r.json()["error"] == "unsupported_grant_type"


@pytest.fixture
async def password_client(roost: Roost) -> AsyncIterator[httpx.AsyncClient]:
    async with variant(roost, oauth_password_grant=True) as other:
        app = create_app(other.settings, other)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


async def test_password_grant_when_enabled(password_client: httpx.AsyncClient, alice: User) -> None:
    client = password_client
    app = await register(client)
    r = await token_request(
        client, app, grant_type="password", username="alice@example.com", password="password123"
    )
    assert r.status_code == 200, r.text
    tok = r.json()
    assert tok["scope"] == "read"
    assert tok["refresh_token"]
    assert (await client.get(VERIFY, headers=bearer(tok["access_token"]))).status_code == 200
    r = await token_request(
        client, app, grant_type="password", username="alice", password="wrong-password"
    )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
    r = await token_request(
        client, app, grant_type="password", username="nobody", password="password123"
    )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
    meta = (await client.get("/.well-known/oauth-authorization-server")).json()
    assert "password" in meta["grant_types_supported"]
    for _ in range(8):  # 10 failures in all: the limit
        await token_request(client, app, grant_type="password", username="alice", password="x")
    r = await token_request(
        client, app, grant_type="password", username="alice", password="password123"
    )
    assert r.status_code == 429


async def test_revoke(client: httpx.AsyncClient, roost: Roost, alice: User) -> None:
    app = await register(client)
    other = await register(client)
    tok = (await exchange(client, app, (await get_code(client, app))["code"])).json()

    def creds(a: dict[str, Any], token: str) -> dict[str, str]:
        return {"token": token, "client_id": a["client_id"], "client_secret": a["client_secret"]}

    r = await client.post("/oauth/revoke", data=creds(other, tok["access_token"]))
    assert r.status_code == 403
    assert r.json()["error"] == "unauthorized_client"
    r = await client.post("/oauth/revoke", data={**creds(app, "x"), "client_secret": "bad"})
    assert r.status_code == 401
    r = await client.post("/oauth/revoke", data=creds(app, "unknown-token"))
    assert r.status_code == 200
    assert r.json() == {}
    assert (await client.get(VERIFY, headers=bearer(tok["access_token"]))).status_code == 200
    token_id = await roost.db.scalar(
        sa.select(tokens.c.id).where(tokens.c.token_hash == token_hash(tok["access_token"]))
    )
    # Other processes hear of it: their token caches drop it and its open streams end.
    sub = await roost.pubsub.subscribe([TOKEN_CHANNEL, f"timeline:access_token:{token_id}"])
    r = await client.post("/oauth/revoke", data=creds(app, tok["refresh_token"]))
    assert r.status_code == 200
    # Cached as valid a moment ago, yet refused at once.
    assert (await client.get(VERIFY, headers=bearer(tok["access_token"]))).status_code == 401
    heard = []
    async for channel, message in sub:
        heard.append((channel, message))
        if len(heard) == 2:
            break
    await sub.close()
    assert (TOKEN_CHANNEL, token_hash(tok["access_token"]).encode()) in heard
    assert (f"timeline:access_token:{token_id}", b'{"event":"kill"}') in heard


async def test_server_metadata(client: httpx.AsyncClient) -> None:
    r = await client.get("/.well-known/oauth-authorization-server")
    assert r.status_code == 200
    meta = r.json()
    base = "http://testserver"
    assert meta["issuer"] == f"{base}/"
    assert meta["authorization_endpoint"] == f"{base}/oauth/authorize"
    assert meta["token_endpoint"] == f"{base}/oauth/token"
    assert meta["revocation_endpoint"] == f"{base}/oauth/revoke"
    assert meta["app_registration_endpoint"] == f"{base}/api/v1/apps"
    assert meta["scopes_supported"] == sorted(ALL_SCOPES)
    assert meta["response_types_supported"] == ["code"]
    assert meta["response_modes_supported"] == ["query", "fragment", "form_post"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["grant_types_supported"] == [
        "authorization_code",
        "client_credentials",
        "refresh_token",
    ]
    assert meta["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic",
        "client_secret_post",
    ]


# --- Scope checks on API routes ---------------------------------------------------------


def test_scope_allows() -> None:
    assert scope_allows(frozenset({"read"}), "read:statuses")
    assert not scope_allows(frozenset({"read"}), "write:statuses")
    assert scope_allows(frozenset({"write:statuses"}), "write:statuses")
    assert not scope_allows(frozenset({"write:statuses"}), "write:follows")
    assert scope_allows(frozenset({"follow"}), "write:follows")
    assert not scope_allows(frozenset({"follow"}), "write:statuses")
    assert scope_allows(frozenset({"read:accounts"}), "profile")
    assert scope_allows(frozenset({"read"}), ("write:statuses", "read:statuses"))
    assert not scope_allows(frozenset({"push"}), ("read", "write"))
    assert scope_allows(frozenset({"admin:read"}), "admin:read:accounts")
    assert not scope_allows(frozenset({"read"}), "admin:read:accounts")


async def test_api_routes_enforce_scopes(
    roost: Roost, make_user: MakeUser, client: httpx.AsyncClient
) -> None:
    probe = Api()

    @probe.route("/test/write-probe", "POST", scope="write:statuses", user=True)
    async def write_probe(req: ApiRequest) -> Any:
        return json_response({"ok": True})

    app = create_app(roost.settings, roost)
    app.router.routes.extend(probe.starlette_routes())
    reader = await make_user("reader", scopes="read")
    writer = await make_user("writer", scopes="write:statuses")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        r = await c.post("/test/write-probe", headers=reader.auth)
        assert r.status_code == 403
        assert r.json() == {"error": "This action is outside the authorized scopes"}
        assert (await c.post("/test/write-probe", headers=writer.auth)).status_code == 200
        assert (await c.post("/test/write-probe")).status_code == 401
    oauth_app = await register(client, scopes="write:statuses")
    app_only = await token_request(
        client, oauth_app, grant_type="client_credentials", scope="write:statuses"
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        r = await c.post("/test/write-probe", headers=bearer(app_only.json()["access_token"]))
        assert r.status_code == 422  # the right scope, but the route needs a user
        assert r.json() == {"error": "This method requires an authenticated user"}


async def test_bad_tokens_get_401(client: httpx.AsyncClient, roost: Roost) -> None:
    assert (await client.get(VERIFY)).status_code == 401
    r = await client.get(VERIFY, headers=bearer("garbage"))
    assert r.status_code == 401
    assert r.json() == {"error": "The access token is invalid"}
    app = await register(client)
    tok = (await token_request(client, app, grant_type="client_credentials")).json()
    assert (await client.get(VERIFY, headers=bearer(tok["access_token"]))).status_code == 200
    # Revoked behind the cache's back (another process): refused once the cache forgets it.
    await roost.db.execute(sa.update(tokens).values(revoked_at=utcnow()))
    roost.tokens.clear()
    assert (await client.get(VERIFY, headers=bearer(tok["access_token"]))).status_code == 401
