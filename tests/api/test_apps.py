from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from roost.instance import Roost
from roost.oauth.tables import apps
from tests.conftest import User

OOB = "urn:ietf:wg:oauth:2.0:oob"


async def register(client: httpx.AsyncClient, **data: Any) -> httpx.Response:
    body = {"client_name": "Tooter", "redirect_uris": ["https://app.example/cb"], **data}
    return await client.post("/api/v1/apps", json=body)


async def app_token(client: httpx.AsyncClient, app: dict[str, Any], scope: str = "read") -> str:
    r = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": scope,
        },
    )
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


async def test_register_returns_credential_application(
    client: httpx.AsyncClient, roost: Roost
) -> None:
    r = await register(
        client,
        redirect_uris=["https://app.example/cb", "https://app.example/other"],
        scopes="read write:statuses push",
        website="https://app.example",
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["name"] == "Tooter"
    assert body["website"] == "https://app.example"
    assert body["scopes"] == ["read", "write:statuses", "push"]
    assert body["redirect_uri"] == "https://app.example/cb\nhttps://app.example/other"
    assert body["redirect_uris"] == ["https://app.example/cb", "https://app.example/other"]
    assert body["vapid_key"] == roost.settings.vapid_public_key  # Web Push's VAPID key
    assert body["client_secret_expires_at"] == 0
    assert isinstance(body["id"], str)
    assert body["id"].isdigit()
    assert len(body["client_id"]) >= 32
    assert len(body["client_secret"]) >= 32
    row = await roost.db.fetch_one(sa.select(apps).where(apps.c.id == int(body["id"])))
    assert row is not None
    assert row.client_id == body["client_id"]
    assert row.scopes == "read write:statuses push"


async def test_register_with_form_and_separated_string(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/apps",
        data={
            "client_name": "Form app",
            "redirect_uris": f"https://a.example/cb\n{OOB} com.example.app:/oauth",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["redirect_uris"] == ["https://a.example/cb", OOB, "com.example.app:/oauth"]
    assert body["scopes"] == ["read"]  # the default
    assert body["website"] is None


async def test_register_with_form_array(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/apps",
        data={"client_name": "Arr", "redirect_uris[]": ["https://a.example/1", "myapp://cb"]},
    )
    assert r.status_code == 200, r.text
    assert r.json()["redirect_uris"] == ["https://a.example/1", "myapp://cb"]


async def test_each_registration_gets_its_own_credentials(client: httpx.AsyncClient) -> None:
    first = (await register(client)).json()
    second = (await register(client)).json()
    assert first["client_id"] != second["client_id"]
    assert first["client_secret"] != second["client_secret"]
    assert first["id"] != second["id"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"client_name": ""}, "client_name"),
        ({"client_name": "x" * 61}, "too long"),
        ({"redirect_uris": []}, "can't be blank"),
        ({"redirect_uris": "/relative/path"}, "absolute URI"),
        ({"redirect_uris": "app.example/cb"}, "absolute URI"),
        ({"redirect_uris": "https:///nohost"}, "absolute URI"),
        ({"redirect_uris": "https://app.example/cb#frag"}, "fragment"),
        ({"redirect_uris": "javascript:alert(1)"}, "javascript"),
        ({"redirect_uris": "https://app.example/é"}, "non-ASCII"),
        ({"redirect_uris": [1]}, "text"),
        ({"scopes": "read fly"}, "fly"),
        ({"website": "javascript:alert(1)"}, "http or https"),
        ({"website": "not a url"}, "Website"),
    ],
)
async def test_register_rejects_bad_input(
    client: httpx.AsyncClient, data: dict[str, Any], message: str
) -> None:
    r = await register(client, **data)
    assert r.status_code == 422, r.text
    assert message in r.json()["error"]
    assert r.json()["error"].startswith("Validation failed")


async def test_register_without_redirect_uris_is_422(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/apps", json={"client_name": "No URIs"})
    assert r.status_code == 422


async def test_verify_credentials_with_app_token(client: httpx.AsyncClient) -> None:
    app = (await register(client, scopes="read write", website="https://app.example")).json()
    token = await app_token(client, app)
    r = await client.get(
        "/api/v1/apps/verify_credentials", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body == {
        "id": app["id"],
        "name": "Tooter",
        "website": "https://app.example",
        "scopes": ["read", "write"],
        "redirect_uri": "https://app.example/cb",
        "redirect_uris": ["https://app.example/cb"],
        "vapid_key": app["vapid_key"],
    }
    assert "client_secret" not in body


async def test_verify_credentials_without_token_is_401(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/apps/verify_credentials")
    assert r.status_code == 401
    assert r.json() == {"error": "The access token is invalid"}


async def test_verify_credentials_with_token_of_no_app_is_404(
    client: httpx.AsyncClient, alice: User
) -> None:
    # conftest's (and `roost tokens create`'s) tokens are not tied to an app.
    r = await client.get("/api/v1/apps/verify_credentials", headers=alice.auth)
    assert r.status_code == 404
