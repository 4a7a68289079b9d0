"""What each moderation action does on every read path, at once, and what its undo
restores: a limited (silenced) account, a disabled user, a sensitized account."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from roost.errors import Forbidden, Invalid
from roost.instance import Roost
from roost.moderation import account_actions as acts
from roost.moderation.staff import OPERATOR, Staff
from tests.api.test_oauth import auth_params, register, submit
from tests.conftest import User
from tests.moderation.test_admin_accounts_api import eventually
from tests.web.test_pages import csrf


async def post(client: httpx.AsyncClient, by: User, text: str, **extra: str) -> str:
    r = await client.post("/api/v1/statuses", data={"status": text, **extra}, headers=by.auth)
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


async def ids(client: httpx.AsyncClient, url: str, viewer: User | None) -> list[str]:
    r = await client.get(url, headers=viewer.auth if viewer else {})
    assert r.status_code == 200, r.text
    body = r.json()
    found = body["statuses"] if isinstance(body, dict) else body
    return [s["id"] for s in found]


async def test_silenced_account_leaves_public_places_for_non_followers(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User,
    moderator: User,
) -> None:  # fmt: skip
    r = await client.post(f"/api/v1/accounts/{bob.sid}/follow", headers=carol.auth)
    assert r.status_code == 200
    assert (await client.post("/api/v1/tags/birds/follow", headers=alice.auth)).status_code == 200
    before = await post(client, bob, "hello #birds flamingo")
    await acts.do_account_action(roost.db, Staff(moderator.id, "moderator"), bob.id, "silence")
    after = await post(client, bob, "again #birds flamingo")
    mine = await post(client, alice, "mine #birds flamingo")
    bobs = {before, after}

    places = ["/api/v1/timelines/public", "/api/v1/timelines/public?local=true",
              "/api/v1/timelines/tag/birds", "/api/v2/search?q=flamingo&type=statuses"]  # fmt: skip
    for url in places:
        for viewer in (None, alice):
            if viewer is None and "search" in url:
                continue
            found = await ids(client, url, viewer)
            assert not bobs & set(found), (url, viewer)
            if "search" not in url:
                assert mine in found, url
        # A follower and the author still see them.
        assert bobs <= set(await ids(client, url, carol)), url
        assert bobs <= set(await ids(client, url, bob)), url
    # A followed hashtag brings it to no one who does not follow the author.
    home = await ids(client, "/api/v1/timelines/home", alice)
    assert after not in home
    # Home (the follower's), the profile and the post's own page stay.
    assert bobs <= set(await ids(client, "/api/v1/timelines/home", carol))
    assert bobs <= set(await ids(client, f"/api/v1/accounts/{bob.sid}/statuses", alice))
    assert (await client.get(f"/api/v1/statuses/{after}", headers=alice.auth)).status_code == 200
    r = await client.get(f"/api/v1/statuses/{after}/context")
    assert r.status_code == 200

    # Its mentions of someone who does not follow it are filtered; a follower gets them.
    await post(client, bob, "@alice @carol hi there")
    r = await client.get("/api/v1/notifications?types[]=mention", headers=alice.auth)
    assert r.json() == []
    r = await client.get("/api/v1/notifications?types[]=mention", headers=carol.auth)
    assert len(r.json()) == 1
    r = await client.get("/api/v1/notifications/requests", headers=alice.auth)
    assert [x["account"]["id"] for x in r.json()] == [bob.sid]

    # Undo: everything is back at once.
    await acts.do_unsilence(roost.db, Staff(moderator.id, "moderator"), bob.id)
    assert bobs <= set(await ids(client, "/api/v1/timelines/public", None))
    assert bobs <= set(await ids(client, "/api/v1/timelines/tag/birds", alice))


async def test_silenced_posts_reach_no_public_stream(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await acts.do_account_action(roost.db, OPERATOR, bob.id, "silence")
    heard = await roost.pubsub.subscribe(["timeline:public", "timeline:hashtag:birds"])
    try:
        await post(client, bob, "limited #birds")
        mine = await post(client, alice, "free #birds")
        channels = []
        for _ in range(2):
            channel, message = await asyncio.wait_for(anext(aiter(heard)), 5)
            channels.append(channel)
            assert mine in message.decode()
    finally:
        await heard.close()
    assert sorted(channels) == ["timeline:hashtag:birds", "timeline:public"]


async def test_disabled_user_cannot_sign_in_and_its_tokens_stop(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, moderator: User
) -> None:
    url = "/api/v1/accounts/verify_credentials"
    assert (await client.get(url, headers=bob.auth)).status_code == 200  # cached now
    first = await post(client, bob, "still here")
    await acts.do_account_action(roost.db, Staff(moderator.id, "moderator"), bob.id, "disable")
    await eventually(client, url, bob.auth, 401)
    # The account and its posts stay visible.
    assert (await client.get(f"/api/v1/accounts/{bob.sid}")).status_code == 200
    assert (await client.get(f"/api/v1/statuses/{first}", headers=alice.auth)).status_code == 200
    # Web sign-in and the OAuth consent page refuse, saying why.
    login = {"csrf_token": await csrf(client), "username": "bob", "password": "password123"}
    r = await client.post("/login", data=login)
    assert r.status_code == 403
    assert "This account is disabled." in r.text
    app = await register(client)
    r = await submit(client, auth_params(app), login="bob")
    assert r.status_code == 403
    assert "disabled" in r.text

    await acts.do_enable(roost.db, Staff(moderator.id, "moderator"), bob.id)
    await eventually(client, url, bob.auth, 200)
    r = await client.post("/login", data=login)
    assert r.status_code in (302, 303), r.text


async def test_sensitized_account_posts_show_as_sensitive(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, moderator: User
) -> None:
    await client.post(f"/api/v1/accounts/{bob.sid}/follow", headers=alice.auth)
    sid = await post(client, bob, "a picture, pretend")
    url = f"/api/v1/statuses/{sid}"
    assert (await client.get(url, headers=alice.auth)).json()["sensitive"] is False  # cached
    await acts.do_account_action(roost.db, Staff(moderator.id, "moderator"), bob.id, "sensitive")
    assert (await client.get(url, headers=alice.auth)).json()["sensitive"] is True
    assert (await client.get(url)).json()["sensitive"] is True
    home = (await client.get("/api/v1/timelines/home", headers=alice.auth)).json()
    assert [s["sensitive"] for s in home if s["id"] == sid] == [True]
    # Its author sees the post as they wrote it (Mastodon's serializer).
    assert (await client.get(url, headers=bob.auth)).json()["sensitive"] is False
    await acts.do_unsensitive(roost.db, Staff(moderator.id, "moderator"), bob.id)
    assert (await client.get(url, headers=alice.auth)).json()["sensitive"] is False


async def test_moderator_deletes_posts_with_a_warning(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, moderator: User
) -> None:
    gone = await post(client, bob, "rude")
    kept = await post(client, bob, "fine")
    alices = await post(client, alice, "other")
    staff = Staff(moderator.id, "moderator")
    with pytest.raises(Invalid):  # posts of two accounts at once
        await acts.do_delete_statuses(roost.db, staff, [int(gone), int(alices)])
    with pytest.raises(Forbidden):  # a moderator's own post
        await acts.do_delete_statuses(roost.db, staff, [int(await post(client, moderator, "x"))])
    await acts.do_delete_statuses(roost.db, staff, [int(gone)], text="Not here")
    assert (await client.get(f"/api/v1/statuses/{gone}")).status_code == 404
    assert (await client.get(f"/api/v1/statuses/{kept}")).status_code == 200
    r = await client.get("/api/v1/notifications", headers=bob.auth)
    [note] = r.json()
    warning = note["moderation_warning"]
    assert (warning["action"], warning["text"], warning["status_ids"]) == (
        "delete_statuses",
        "Not here",
        [gone],
    )


async def test_suspended_account_vanishes_everywhere_and_returns_after_unsuspend(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User,
    moderator: User,
) -> None:  # fmt: skip
    r = await client.post(f"/api/v1/accounts/{bob.sid}/follow", headers=carol.auth)
    assert r.status_code == 200
    root = await post(client, alice, "what did you see today?")
    seen = await post(client, bob, "@alice a flamingo #birds")
    reply = await post(client, bob, "@alice another flamingo", in_reply_to_id=root)
    bobs = {seen, reply}

    async def where_shown() -> dict[str, bool]:
        context = await client.get(f"/api/v1/statuses/{root}/context", headers=carol.auth)
        mentions = await client.get("/api/v1/notifications?types[]=mention", headers=alice.auth)
        grouped = await client.get("/api/v2/notifications", headers=alice.auth)
        return {
            "home": seen in await ids(client, "/api/v1/timelines/home", carol),
            "public": seen in await ids(client, "/api/v1/timelines/public", None),
            "tag": seen in await ids(client, "/api/v1/timelines/tag/birds", alice),
            "search": bool(
                bobs & set(await ids(client, "/api/v2/search?q=flamingo&type=statuses", alice))
            ),
            "thread": reply in {s["id"] for s in context.json()["descendants"]},
            "notifications": bool(bobs & {n["status"]["id"] for n in mentions.json()}),
            "grouped": bool(bobs & {s["id"] for s in grouped.json()["statuses"]}),
            "post": (await client.get(f"/api/v1/statuses/{seen}")).status_code == 200,
            "profile": (await client.get(f"/api/v1/accounts/{bob.sid}")).status_code == 200,
        }

    everywhere = await where_shown()
    assert all(everywhere.values()), everywhere
    # Its own stream ends with its token: every process forgets the token at once.
    assert (await client.get("/api/v1/accounts/verify_credentials", headers=bob.auth)).is_success
    actor = Staff(moderator.id, "moderator")
    await acts.do_account_action(roost.db, actor, bob.id, "suspend", text="spam")
    nowhere = await where_shown()
    assert not any(nowhere.values()), nowhere
    await eventually(client, "/api/v1/accounts/verify_credentials", bob.auth, 401)

    await acts.do_unsuspend(roost.db, actor, bob.id, text="appealed")
    assert await where_shown() == everywhere
    await eventually(client, "/api/v1/accounts/verify_credentials", bob.auth, 200)
