"""/api/v1/push/subscription: the entity, one subscription per token, changing and
removing it, the `push` scope, every bad input (422, nothing stored), revocation, and
the VAPID key where Mastodon shows it."""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from roost.config import Settings
from roost.instance import Roost
from roost.oauth.actions import revoke_tokens
from roost.oauth.tables import tokens
from roost.push.tables import push_subscriptions
from roost.push.vapid import KEY_FILE, new_private_key, with_vapid_keys
from tests.conftest import MakeUser, User
from tests.push.helpers import ClientKeys, b64url, unb64

URL = "/api/v1/push/subscription"
ENDPOINT = "https://push.example/send/abc"


async def subscribe(
    client: httpx.AsyncClient, user: User, keys: ClientKeys, **data: Any
) -> httpx.Response:
    return await client.post(
        URL,
        json={"subscription": keys.subscription(ENDPOINT), "data": data},
        headers=user.auth,
    )


async def stored(roost: Roost) -> int:
    return int(await roost.db.scalar(sa.select(sa.func.count()).select_from(push_subscriptions)))


async def test_subscribe_show_change_delete(client: httpx.AsyncClient, alice: User) -> None:
    keys = ClientKeys.generate()
    r = await client.post(
        URL,
        json={
            "subscription": keys.subscription(ENDPOINT, standard=True),
            "data": {
                "alerts": {"mention": True, "favourite": True, "admin.sign_up": False},
                "policy": "follower",
            },
        },
        headers=alice.auth,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"id", "endpoint", "standard", "alerts", "server_key", "policy"}
    assert isinstance(body["id"], str)
    assert body["endpoint"] == ENDPOINT
    assert body["standard"] is True
    assert body["policy"] == "follower"
    assert body["alerts"]["mention"] is True
    assert body["alerts"]["favourite"] is True
    assert body["alerts"]["reblog"] is False
    assert body["alerts"]["admin.sign_up"] is False
    assert len(unb64(body["server_key"])) == 65
    assert (await client.get(URL, headers=alice.auth)).json() == body

    r = await client.put(
        URL, data={"data[alerts][reblog]": "true", "data[policy]": "all"}, headers=alice.auth
    )
    assert r.status_code == 200, r.text
    changed = r.json()
    assert changed["id"] == body["id"]
    assert changed["alerts"]["reblog"] is True
    assert changed["alerts"]["mention"] is False  # data is replaced whole, as Mastodon does
    assert changed["policy"] == "all"
    assert changed["standard"] is True

    r = await client.delete(URL, headers=alice.auth)
    assert r.status_code == 200
    assert r.json() == {}
    assert (await client.get(URL, headers=alice.auth)).status_code == 404
    assert (
        await client.put(URL, data={"data[policy]": "all"}, headers=alice.auth)
    ).status_code == 404


async def test_form_body_and_defaults(client: httpx.AsyncClient, alice: User) -> None:
    """Mastodon.py's form: standard base64 keys, `policy` at the top level."""
    keys = ClientKeys.generate()
    point = unb64(keys.p256dh)
    r = await client.post(
        URL,
        data={
            "subscription[endpoint]": ENDPOINT,
            "subscription[keys][p256dh]": base64.b64encode(point).decode(),
            "subscription[keys][auth]": base64.b64encode(keys.auth).decode(),
            "data[alerts][follow]": "1",
            "policy": "followed",
        },
        headers=alice.auth,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["standard"] is False
    assert body["alerts"]["follow"] is True
    assert body["policy"] == "followed"


async def test_one_subscription_per_token(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, alice: User
) -> None:
    first = (await subscribe(client, alice, ClientKeys.generate())).json()
    second = (await subscribe(client, alice, ClientKeys.generate(), policy="none")).json()
    assert second["id"] != first["id"]
    assert (await client.get(URL, headers=alice.auth)).json()["id"] == second["id"]
    assert await stored(roost) == 1
    # Another token of the same account has a subscription of its own (or none).
    other = await make_user("alice2")
    assert (await client.get(URL, headers=other.auth)).status_code == 404


async def test_needs_the_push_scope(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    reader = await make_user("reader", scopes="read write")
    r = await subscribe(client, reader, ClientKeys.generate())
    assert r.status_code == 403
    assert (await client.get(URL)).status_code == 401


def _bad_inputs() -> list[tuple[str, dict[str, Any], str]]:
    keys = ClientKeys.generate()
    good = keys.subscription(ENDPOINT)
    point = bytearray(unb64(keys.p256dh))
    point[-1] ^= 1  # off the curve

    def sub(**changes: Any) -> dict[str, Any]:
        return {"subscription": {**good, **changes}}

    def with_keys(**changes: Any) -> dict[str, Any]:
        return sub(keys={**good["keys"], **changes})

    return [
        ("http endpoint", sub(endpoint="http://push.example/x"), "https"),
        ("no endpoint", {"subscription": {"keys": good["keys"]}}, "endpoint"),
        ("not a url", sub(endpoint="push me"), "https"),
        ("no host", sub(endpoint="https:///x"), "https"),
        ("p256dh not base64", with_keys(p256dh="%%%"), "p256dh"),
        ("p256dh short", with_keys(p256dh=b64url(bytes(point[:33]))), "p256dh"),
        ("p256dh off curve", with_keys(p256dh=b64url(bytes(point))), "curve"),
        ("auth short", with_keys(auth=b64url(b"x" * 8)), "auth"),
        ("no auth", sub(keys={"p256dh": good["keys"]["p256dh"]}), "auth"),
        ("unknown alert", {**sub(), "data": {"alerts": {"likes": True}}}, "likes"),
        ("alert not a bool", {**sub(), "data": {"alerts": {"mention": "maybe"}}}, "mention"),
        ("bad policy", {**sub(), "data": {"policy": "friends"}}, "policy"),
    ]


@pytest.mark.parametrize(("case", "body", "word"), _bad_inputs(), ids=lambda v: str(v)[:20])
async def test_bad_input_is_422_and_stores_nothing(
    client: httpx.AsyncClient, roost: Roost, alice: User, case: str, body: dict[str, Any], word: str
) -> None:
    r = await client.post(URL, json=body, headers=alice.auth)
    assert r.status_code == 422, (case, r.text)
    assert word in r.json()["error"]
    assert await stored(roost) == 0


async def test_bad_change_keeps_the_subscription(client: httpx.AsyncClient, alice: User) -> None:
    before = (
        await subscribe(client, alice, ClientKeys.generate(), alerts={"mention": True})
    ).json()
    r = await client.put(URL, json={"data": {"alerts": {"nope": True}}}, headers=alice.auth)
    assert r.status_code == 422
    assert (await client.get(URL, headers=alice.auth)).json() == before


async def test_revoking_the_token_removes_its_subscription(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await subscribe(client, alice, ClientKeys.generate())
    await subscribe(client, bob, ClientKeys.generate())
    async with roost.db.transaction() as tx:
        await revoke_tokens(tx, tokens.c.account_id == alice.id)
    assert await stored(roost) == 1
    assert (await client.get(URL, headers=bob.auth)).status_code == 200


async def test_vapid_key_is_shown_where_mastodon_shows_it(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    key = roost.settings.vapid_public_key
    assert len(unb64(key)) == 65
    instance = (await client.get("/api/v2/instance")).json()
    assert instance["configuration"]["vapid"]["public_key"] == key
    app = (
        await client.post(
            "/api/v1/apps",
            json={"client_name": "Phone", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
        )
    ).json()
    assert app["vapid_key"] == key
    token = (
        await client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            },
        )
    ).json()["access_token"]
    r = await client.get(
        "/api/v1/apps/verify_credentials", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.json()["vapid_key"] == key
    assert (await subscribe(client, alice, ClientKeys.generate())).json()["server_key"] == key


def test_vapid_keys_are_made_once_and_can_be_set(tmp_path: Any) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    made = with_vapid_keys(settings)
    assert (tmp_path / "data" / KEY_FILE).stat().st_mode & 0o777 == 0o600
    again = with_vapid_keys(settings)
    assert again.vapid_public_key == made.vapid_public_key
    assert again.vapid_private_key == made.vapid_private_key
    private = new_private_key()
    chosen = with_vapid_keys(dataclasses.replace(settings, vapid_private_key=private))
    assert chosen.vapid_private_key == private
    assert chosen.vapid_public_key != made.vapid_public_key
    env = Settings.from_env(
        {"ROOST_VAPID_PRIVATE_KEY": private, "ROOST_VAPID_PUBLIC_KEY": chosen.vapid_public_key}
    )
    assert with_vapid_keys(env).vapid_public_key == chosen.vapid_public_key
    with pytest.raises(ValueError, match="public key"):
        with_vapid_keys(dataclasses.replace(env, vapid_public_key=made.vapid_public_key))
    with pytest.raises(ValueError, match="32 bytes"):
        with_vapid_keys(dataclasses.replace(settings, vapid_private_key="abc"))
