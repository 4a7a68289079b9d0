"""/api/v1/admin/trends: every candidate with `requires_review`, approving and rejecting
(audited), what review mode then shows, and the scope and role checks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest

from roost.app import create_app
from roost.instance import Roost
from roost.moderation.audit import access_audit_log
from roost.moderation.staff import Staff
from tests.cards.test_cards import page
from tests.cards.test_cards import post as card_post
from tests.conftest import MakeUser, User, variant
from tests.moderation.conftest import ADMIN_SCOPES
from tests.moderation.test_admin_reports_api import NOT_ALLOWED
from tests.outbound.server import Receiver, receiver
from tests.push.helpers import client_for
from tests.trends.test_trends import post


@asynccontextmanager
async def reviewing(roost: Roost) -> AsyncIterator[httpx.AsyncClient]:
    """A client on an instance with ROOST_TRENDS_REVIEW=1 (same database)."""
    async with variant(roost, trends_review=True) as other:
        app = create_app(other.settings, other)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


async def seed(client: httpx.AsyncClient, make_user: MakeUser) -> str:
    """Three people post #approveme and #rejectme; two of them favourite the first post."""
    people = [await make_user(f"t{n}") for n in range(3)]
    first = await post(client, people[0], "#approveme and #rejectme")
    for person in people[1:]:
        await post(client, person, "#approveme and #rejectme")
        await client.post(f"/api/v1/statuses/{first}/favourite", headers=person.auth)
    return first


async def test_review_tags_and_statuses(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, moderator: User
) -> None:
    status_id = await seed(client, make_user)
    async with reviewing(roost) as review:
        assert (await review.get("/api/v1/trends/tags")).json() == []
        r = await review.get("/api/v1/admin/trends/tags", headers=moderator.auth)
        assert r.status_code == 200, r.text
        listed = {t["name"]: t for t in r.json()}
        assert set(listed) == {"approveme", "rejectme"}
        for tag in listed.values():
            assert tag["requires_review"] is True
            assert tag["trendable"] is False  # nothing trends before review here
            assert (tag["usable"], tag["listable"]) == (True, True)
            assert len(tag["history"]) == 7
        yes, no = listed["approveme"]["id"], listed["rejectme"]["id"]
        r = await review.post(f"/api/v1/admin/trends/tags/{yes}/approve", headers=moderator.auth)
        assert r.status_code == 200, r.text
        assert (r.json()["name"], r.json()["trendable"], r.json()["requires_review"]) == (
            "approveme", True, False
        )  # fmt: skip
        r = await review.post(f"/api/v1/admin/trends/tags/{no}/reject", headers=moderator.auth)
        assert (r.json()["trendable"], r.json()["requires_review"]) == (False, False)
        assert [t["name"] for t in (await review.get("/api/v1/trends/tags")).json()] == [
            "approveme"
        ]
        # The admin list still shows the rejected one, so it can be approved later.
        r = await review.get("/api/v1/admin/trends/tags", headers=moderator.auth)
        assert {t["name"]: t["trendable"] for t in r.json()} == {
            "approveme": True, "rejectme": False
        }  # fmt: skip

        r = await review.get("/api/v1/admin/trends/statuses", headers=moderator.auth)
        assert [(s["id"], s["requires_review"]) for s in r.json()] == [(status_id, True)]
        assert (await review.get("/api/v1/trends/statuses")).json() == []
        url = f"/api/v1/admin/trends/statuses/{status_id}/approve"
        r = await review.post(url, headers=moderator.auth)
        assert (r.json()["id"], r.json()["requires_review"]) == (status_id, False)
        assert [s["id"] for s in (await review.get("/api/v1/trends/statuses")).json()] == [
            status_id
        ]
        r = await review.post(f"/api/v1/admin/trends/statuses/{status_id}/reject",
                              headers=moderator.auth)  # fmt: skip
        assert r.status_code == 200
        assert (await review.get("/api/v1/trends/statuses")).json() == []
        r = await review.post("/api/v1/admin/trends/tags/12345/approve", headers=moderator.auth)
        assert r.status_code == 404
        r = await review.post("/api/v1/admin/trends/links/12345/reject", headers=moderator.auth)
        assert r.status_code == 404
        assert (await review.get("/api/v1/admin/trends/links", headers=moderator.auth)).json() == []

    log = await access_audit_log(roost.db, Staff(moderator.id, "moderator"))
    assert [(e.username, e.action, e.target_type) for e in log] == [
        ("mod", "reject_trend", "Status"), ("mod", "approve_trend", "Status"),
        ("mod", "reject_trend", "Tag"), ("mod", "approve_trend", "Tag"),
    ]  # fmt: skip
    assert str(log[-1].target_id) == yes


async def test_without_review_mode_rejecting_hides(
    client: httpx.AsyncClient, make_user: MakeUser, moderator: User
) -> None:
    await seed(client, make_user)
    r = await client.get("/api/v1/admin/trends/tags", headers=moderator.auth)
    listed = {t["name"]: t for t in r.json()}
    assert listed["approveme"]["trendable"] is True  # trends unless rejected
    assert listed["approveme"]["requires_review"] is True
    tag_id = listed["rejectme"]["id"]
    r = await client.post(f"/api/v1/admin/trends/tags/{tag_id}/reject", headers=moderator.auth)
    assert r.status_code == 200
    names = [t["name"] for t in (await client.get("/api/v1/trends/tags")).json()]
    assert names == ["approveme"]


async def test_scope_and_role_checks(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, moderator: User
) -> None:
    await seed(client, make_user)
    r = await client.get("/api/v1/admin/trends/tags", headers=moderator.auth)
    tag_id = r.json()[0]["id"]
    plain = await make_user("plain", scopes=ADMIN_SCOPES)
    reader = await make_user("reader", scopes="read admin:read")
    from roost.accounts.staff import do_set_role

    await do_set_role(roost.db, reader.id, "moderator")
    for method, path in [
        ("GET", "/api/v1/admin/trends/tags"),
        ("GET", "/api/v1/admin/trends/statuses"),
        ("GET", "/api/v1/admin/trends/links"),
        ("POST", f"/api/v1/admin/trends/tags/{tag_id}/approve"),
        ("POST", f"/api/v1/admin/trends/tags/{tag_id}/reject"),
    ]:
        r = await client.request(method, path, headers=plain.auth)
        assert (r.status_code, r.json()) == (403, NOT_ALLOWED), path
        assert (await client.request(method, path)).status_code == 401
        r = await client.request(method, path, headers=reader.auth)
        assert r.status_code == (200 if method == "GET" else 403), path


@pytest.fixture
def site() -> Iterator[Receiver]:
    with receiver() as r:
        yield r


@pytest.fixture
async def open_roost(roost: Roost) -> AsyncIterator[Roost]:
    """An instance that fetches link previews from 127.0.0.1 (the test's own site)."""
    async with variant(roost, allow_private_network=True) as other:
        yield other


@pytest.fixture
async def api(open_roost: Roost) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_for(open_roost):
        yield c


async def test_review_links(
    api: httpx.AsyncClient, open_roost: Roost, site: Receiver, make_user: MakeUser,
    moderator: User,
) -> None:  # fmt: skip
    site.answers["/hot"] = page('<meta property="og:title" content="Hot news">')
    for n in range(2):
        await card_post(api, await make_user(f"reader{n}"), f"Wow {site.url('/hot')}")
    r = await api.get("/api/v1/admin/trends/links", headers=moderator.auth)
    assert r.status_code == 200, r.text
    [link] = r.json()
    assert (link["url"], link["title"], link["requires_review"]) == (
        site.url("/hot"), "Hot news", True
    )  # fmt: skip
    assert len(link["history"]) == 7
    r = await api.post(f"/api/v1/admin/trends/links/{link['id']}/reject", headers=moderator.auth)
    assert (r.json()["id"], r.json()["requires_review"]) == (link["id"], False)
    assert (await api.get("/api/v1/trends/links")).json() == []
    r = await api.post(f"/api/v1/admin/trends/links/{link['id']}/approve", headers=moderator.auth)
    assert r.status_code == 200
    assert [x["url"] for x in (await api.get("/api/v1/trends/links")).json()] == [site.url("/hot")]
