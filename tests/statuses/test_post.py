"""POST /api/v1/statuses answers from what it wrote, without reading the status back; these
check that answer against a fresh read, and the writes the post makes in its few statements
(mentions and their notifications, tags old and new, idempotency keys)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import sqlalchemy as sa

from roost.instance import Roost
from roost.oauth.actions import do_create_token
from roost.oauth.apps import do_create_app
from roost.statuses.tables import statuses, tags
from tests.conftest import MakeUser, User


async def post(client: httpx.AsyncClient, user: User, **form: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/statuses", json=form, headers=user.auth)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def read_back(client: httpx.AsyncClient, user: User, status_id: str) -> dict[str, Any]:
    r = await client.get(f"/api/v1/statuses/{status_id}", headers=user.auth)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def by_id(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Reads return mentions and tags in the database's order, the post in the text's.
    return sorted(items, key=lambda m: str(m.get("id", m.get("name"))))


async def test_answer_equals_read_back(
    client: httpx.AsyncClient, alice: User, bob: User, make_user: MakeUser
) -> None:
    await make_user("Carol")
    first = await post(client, bob, status="a first post #Known")
    shapes: list[tuple[int, int]] = []
    forms: list[dict[str, Any]] = [
        {"status": "plain"},
        {"status": "@bob hi #Roost #known https://example.com/a/very/long/path/indeed 🎉"},
        {"status": "@carol @bob @nobody @x@elsewhere.example two", "visibility": "unlisted"},
        {"status": "secret", "spoiler_text": "cw", "language": "en", "visibility": "private"},
        {"status": "@bob direct", "visibility": "direct", "sensitive": True},
        {"status": "a reply", "in_reply_to_id": first["id"]},
    ]
    for form in forms:
        posted = await post(client, alice, **form)
        fresh = await read_back(client, alice, posted["id"])
        shapes.append((len(posted["mentions"]), len(posted["tags"])))
        assert by_id(posted.pop("mentions")) == by_id(fresh.pop("mentions")), form
        assert by_id(posted.pop("tags")) == by_id(fresh.pop("tags")), form
        assert posted == fresh, form
    assert shapes == [(0, 0), (1, 2), (2, 0), (0, 0), (1, 0), (0, 0)]
    assert (await read_back(client, bob, first["id"]))["replies_count"] == 1


async def test_answer_names_the_app_and_counts_the_post(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    app = await do_create_app(
        roost.db,
        name="Tusky",
        redirect_uris=["urn:ietf:wg:oauth:2.0:oob"],
        scopes="read write",
        website="https://tusky.app",
    )
    token = await do_create_token(roost.db, account_id=alice.id, app_id=app.id, scopes="write")
    headers = {"Authorization": f"Bearer {token.access_token}"}
    for n in (1, 2):
        r = await client.post(
            "/api/v1/statuses", json={"status": f"from an app {n}"}, headers=headers
        )
        assert r.status_code == 200, r.text
        posted = r.json()
        assert posted["application"] == {"name": "Tusky", "website": "https://tusky.app"}
        assert posted["account"]["statuses_count"] == n
        assert posted["account"]["last_status_at"] is not None
        assert posted == await read_back(client, alice, posted["id"])


async def test_default_visibility_and_sensitivity(client: httpx.AsyncClient, alice: User) -> None:
    r = await client.patch(
        "/api/v1/accounts/update_credentials",
        data={"source[privacy]": "private", "source[sensitive]": "true"},
        headers=alice.auth,
    )
    assert r.status_code == 200, r.text
    posted = await post(client, alice, status="defaults")
    assert (posted["visibility"], posted["sensitive"]) == ("private", True)
    posted = await post(client, alice, status="explicit", visibility="public", sensitive=False)
    assert (posted["visibility"], posted["sensitive"]) == ("public", False)


async def test_mentions_notify_unless_silenced(
    client: httpx.AsyncClient, alice: User, bob: User, make_user: MakeUser
) -> None:
    carol, dave = await make_user("carol"), await make_user("dave")
    r = await client.post(f"/api/v1/accounts/{alice.id}/block", headers=bob.auth)
    assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/v1/accounts/{alice.id}/mute", json={"notifications": True}, headers=carol.auth
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/v1/accounts/{alice.id}/mute", json={"notifications": False}, headers=dave.auth
    )
    assert r.status_code == 200, r.text
    posted = await post(client, alice, status="@bob @carol @dave @alice hello")
    assert {m["username"] for m in posted["mentions"]} == {"alice", "bob", "carol", "dave"}
    for user, expected in [(alice, []), (bob, []), (carol, []), (dave, [posted["id"]])]:
        r = await client.get("/api/v1/notifications", headers=user.auth)
        assert [n["status"]["id"] for n in r.json() if n["type"] == "mention"] == expected


async def test_new_and_known_tags(client: httpx.AsyncClient, roost: Roost, alice: User) -> None:
    await post(client, alice, status="#CamelCase first")
    posted = await post(client, alice, status="#camelcase #Fresh #fresh again")
    assert [t["name"] for t in posted["tags"]] == ["camelcase", "fresh"]
    rows = await roost.db.fetch_all(sa.select(tags.c.name).order_by(tags.c.name))
    assert [r.name for r in rows] == ["CamelCase", "Fresh"]  # the case first written
    r = await client.get("/api/v1/timelines/tag/camelcase")
    assert len(r.json()) == 2


async def test_concurrent_posts_with_one_idempotency_key(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    headers = {**alice.auth, "Idempotency-Key": "same"}

    async def attempt() -> httpx.Response:
        return await client.post("/api/v1/statuses", json={"status": "once"}, headers=headers)

    answers = await asyncio.gather(*(attempt() for _ in range(3)))
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert len({r.json()["id"] for r in answers}) == 1
    assert answers[0].json()["account"]["statuses_count"] == 1
    count = await roost.db.scalar(sa.select(sa.func.count()).select_from(statuses))
    assert count == 1
    other = await client.post(
        "/api/v1/statuses",
        json={"status": "another"},
        headers={**alice.auth, "Idempotency-Key": "x"},
    )
    assert other.json()["id"] != answers[0].json()["id"]
