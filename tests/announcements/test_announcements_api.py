"""/api/v1/announcements: what users see, dismissing, reacting; the staff's writes."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from roost.announcements.actions import (
    AnnouncementChange,
    do_create_announcement,
    do_delete_announcement,
    do_update_announcement,
)
from roost.emojis.queries import do_add_custom_emoji
from roost.errors import Invalid
from roost.instance import Roost
from roost.timeutil import utcnow
from tests.conftest import MakeUser, User

BASE = "http://testserver"


async def _announce(roost: Roost, text: str = "Hello @ann, see #news", **kw: object) -> int:
    return await do_create_announcement(
        roost.db,
        BASE,
        AnnouncementChange(text=text, **kw),  # type: ignore[arg-type]  # test shortcuts
    )


async def test_announcements_shape(client: httpx.AsyncClient, roost: Roost, alice: User,
                                   make_user: MakeUser) -> None:  # fmt: skip
    ann = await make_user("ann")
    announcement_id = await _announce(roost)
    r = await client.get("/api/v1/announcements", headers=alice.auth)
    assert r.status_code == 200
    (a,) = r.json()
    assert a["id"] == str(announcement_id)
    assert a["content"] == (
        '<p>Hello <span class="h-card" translate="no"><a href="http://testserver/@ann" '
        'class="u-url mention">@<span>ann</span></a></span>, see <a href="http://testserver/'
        'tags/news" class="mention hashtag" rel="tag">#<span>news</span></a></p>'
    )
    assert a["mentions"] == [
        {"id": ann.sid, "username": "ann", "url": "http://testserver/@ann", "acct": "ann"}
    ]
    assert a["tags"] == [{"name": "news", "url": "http://testserver/tags/news"}]
    assert a["statuses"] == []
    assert a["emojis"] == []
    assert a["reactions"] == []
    assert a["read"] is False
    assert a["all_day"] is False
    assert a["starts_at"] is None
    assert a["ends_at"] is None
    assert a["published_at"].endswith("Z")
    assert a["updated_at"].endswith("Z")


async def test_announcements_need_a_user(client: httpx.AsyncClient, roost: Roost) -> None:
    await _announce(roost)
    assert (await client.get("/api/v1/announcements")).status_code == 401


async def test_only_published_and_running_ones_are_listed(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    now = utcnow()
    draft = await _announce(roost, "draft", publish=False)
    await _announce(roost, "over", starts_at=now - timedelta(days=2),
                    ends_at=now - timedelta(days=1))  # fmt: skip
    later = await _announce(roost, "later", starts_at=now + timedelta(days=1),
                            ends_at=now + timedelta(days=2), all_day=True)  # fmt: skip
    soon = await _announce(roost, "soon")
    body = (await client.get("/api/v1/announcements", headers=alice.auth)).json()
    assert [a["id"] for a in body] == [str(soon), str(later)]  # by start, else publication
    assert body[1]["all_day"] is True
    assert body[1]["starts_at"] is not None
    r = await client.post(f"/api/v1/announcements/{draft}/dismiss", headers=alice.auth)
    assert r.status_code == 404
    await do_update_announcement(roost.db, BASE, draft, AnnouncementChange(text="now out"))
    body = (await client.get("/api/v1/announcements", headers=alice.auth)).json()
    assert str(draft) in [a["id"] for a in body]
    await do_delete_announcement(roost.db, draft)
    body = (await client.get("/api/v1/announcements", headers=alice.auth)).json()
    assert str(draft) not in [a["id"] for a in body]


async def test_dismiss(client: httpx.AsyncClient, roost: Roost, alice: User, bob: User) -> None:
    announcement_id = await _announce(roost)
    url = f"/api/v1/announcements/{announcement_id}/dismiss"
    for _ in range(2):  # again: no change
        r = await client.post(url, headers=alice.auth)
        assert r.status_code == 200
        assert r.json() == {}
    (mine,) = (await client.get("/api/v1/announcements", headers=alice.auth)).json()
    (theirs,) = (await client.get("/api/v1/announcements", headers=bob.auth)).json()
    assert mine["read"] is True
    assert theirs["read"] is False
    r = await client.post("/api/v1/announcements/12345/dismiss", headers=alice.auth)
    assert r.status_code == 404
    assert r.json() == {"error": "Record not found"}


async def test_dismiss_needs_a_write_scope(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser
) -> None:
    reader = await make_user("reader", scopes="read")
    announcement_id = await _announce(roost)
    r = await client.post(f"/api/v1/announcements/{announcement_id}/dismiss", headers=reader.auth)
    assert r.status_code == 403


async def test_reactions(client: httpx.AsyncClient, roost: Roost, alice: User, bob: User) -> None:
    await do_add_custom_emoji(roost.db, "blobcat", "http://testserver/blobcat.png")
    announcement_id = await _announce(roost, "Party :blobcat:")
    base = f"/api/v1/announcements/{announcement_id}/reactions"
    for user, name in ((alice, "👍"), (bob, "👍"), (bob, "blobcat"), (bob, "👍")):
        r = await client.put(f"{base}/{name}", headers=user.auth)
        assert r.status_code == 200, r.text
        assert r.json() == {}
    (a,) = (await client.get("/api/v1/announcements", headers=alice.auth)).json()
    assert a["emojis"][0]["shortcode"] == "blobcat"
    assert a["reactions"] == [
        {"name": "👍", "count": 2, "me": True},
        {
            "name": "blobcat",
            "count": 1,
            "me": False,
            "url": "http://testserver/blobcat.png",
            "static_url": "http://testserver/blobcat.png",
        },
    ]
    assert (await client.delete(f"{base}/👍", headers=alice.auth)).status_code == 200
    assert (await client.delete(f"{base}/👍", headers=alice.auth)).status_code == 404
    (a,) = (await client.get("/api/v1/announcements", headers=alice.auth)).json()
    assert a["reactions"][0] == {"name": "👍", "count": 1, "me": False}


@pytest.mark.parametrize("name", ["nope", "ab", "👍👍", "x" * 100])
async def test_a_reaction_must_be_an_emoji(
    client: httpx.AsyncClient, roost: Roost, alice: User, name: str
) -> None:
    announcement_id = await _announce(roost)
    r = await client.put(
        f"/api/v1/announcements/{announcement_id}/reactions/{name}", headers=alice.auth
    )
    assert r.status_code == 422
    assert r.json() == {"error": "Validation failed: Name is not a recognized emoji"}


async def test_at_most_eight_different_reactions(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    announcement_id = await _announce(roost)
    base = f"/api/v1/announcements/{announcement_id}/reactions"
    for emoji in "😀😁😂🤣😃😄😅😆":
        assert (await client.put(f"{base}/{emoji}", headers=alice.auth)).status_code == 200
    r = await client.put(f"{base}/😉", headers=bob.auth)
    assert r.status_code == 422
    assert "Limit of different reactions" in r.json()["error"]
    assert (await client.put(f"{base}/😀", headers=bob.auth)).status_code == 200


async def test_reactions_need_a_write_scope(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser
) -> None:
    reader = await make_user("reader", scopes="read")
    announcement_id = await _announce(roost)
    url = f"/api/v1/announcements/{announcement_id}/reactions/👍"
    assert (await client.put(url, headers=reader.auth)).status_code == 403


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (AnnouncementChange(text="  "), "Text can't be blank"),
        (AnnouncementChange(text="x" * 5001), "Text is too long"),
        (AnnouncementChange(text="x", starts_at=utcnow()), "must be given together"),
        (
            AnnouncementChange(text="x", starts_at=utcnow(), ends_at=utcnow() - timedelta(1)),
            "Ends at must be after starts at",
        ),
    ],
)
async def test_bad_announcements_are_refused(
    roost: Roost, change: AnnouncementChange, message: str
) -> None:
    with pytest.raises(Invalid, match=message):
        await do_create_announcement(roost.db, BASE, change)
