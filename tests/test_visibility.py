"""Visibility as a matrix: who may see a public, unlisted, followers-only and direct post,
and who may not, on every surface a post appears on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from roost.accounts.tables import accounts
from roost.instance import Roost
from roost.timeutil import utcnow
from tests.conftest import MakeUser, User

VISIBILITIES = ("public", "unlisted", "private", "direct")
VIEWERS = ("author", "follower", "mentioned", "stranger", "blocked", "anonymous")

# Who may open each post (GET /api/v1/statuses/:id, account statuses, context).
CAN_SEE = {
    "public": {"author", "follower", "mentioned", "stranger", "anonymous"},
    "unlisted": {"author", "follower", "mentioned", "stranger", "anonymous"},
    "private": {"author", "follower", "mentioned"},
    "direct": {"author", "mentioned"},
}


@dataclass
class World:
    users: dict[str, User]
    posts: dict[str, str]  # visibility -> status id
    replies: dict[str, str]  # visibility -> id of the author's self-reply to that post


async def _post(client: httpx.AsyncClient, user: User, **body: Any) -> str:
    r = await client.post("/api/v1/statuses", json=body, headers=user.auth)
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


@pytest.fixture
async def world(client: httpx.AsyncClient, make_user: MakeUser) -> World:
    users = {
        name: await make_user(name)
        for name in ("author", "follower", "mentioned", "stranger", "blocked")
    }
    r = await client.post(
        f"/api/v1/accounts/{users['author'].id}/follow", headers=users["follower"].auth
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/v1/accounts/{users['blocked'].id}/block", headers=users["author"].auth
    )
    assert r.status_code == 200, r.text
    posts, replies = {}, {}
    for vis in VISIBILITIES:
        posts[vis] = await _post(
            client, users["author"], status=f"@mentioned a {vis} post #matrix", visibility=vis
        )
        replies[vis] = await _post(
            client,
            users["author"],
            status=f"@mentioned more {vis}",
            visibility=vis,
            in_reply_to_id=posts[vis],
        )
    return World(users, posts, replies)


def _auth(world: World, viewer: str) -> dict[str, str]:
    return {} if viewer == "anonymous" else world.users[viewer].auth


def _report(failures: list[str]) -> None:
    assert not failures, "visibility violations:\n" + "\n".join(failures)


async def test_single_status(client: httpx.AsyncClient, world: World) -> None:
    failures = []
    for vis, sid in world.posts.items():
        for viewer in VIEWERS:
            r = await client.get(f"/api/v1/statuses/{sid}", headers=_auth(world, viewer))
            expected = 200 if viewer in CAN_SEE[vis] else 404
            if r.status_code != expected:
                failures.append(f"{viewer} GET {vis} post: {r.status_code}, wanted {expected}")
    _report(failures)


async def test_polls(client: httpx.AsyncClient, world: World) -> None:
    """A poll's results and its ballot box are open to whoever may open its post."""
    failures = []
    poll = {"options": ["yes", "no"], "expires_in": 3600}
    for vis in VISIBILITIES:
        body = {"status": f"@mentioned a {vis} poll", "visibility": vis, "poll": poll}
        r = await client.post("/api/v1/statuses", json=body, headers=world.users["author"].auth)
        poll_id = r.json()["poll"]["id"]
        for viewer in VIEWERS:
            auth = _auth(world, viewer)
            r = await client.get(f"/api/v1/polls/{poll_id}", headers=auth)
            expected = 200 if viewer in CAN_SEE[vis] else 404
            if r.status_code != expected:
                failures.append(f"{viewer} GET {vis} poll: {r.status_code}, wanted {expected}")
            r = await client.post(
                f"/api/v1/polls/{poll_id}/votes", json={"choices": [0]}, headers=auth
            )
            wanted = {"anonymous": 401, "author": 422}.get(viewer, expected)
            if r.status_code != wanted:
                failures.append(f"{viewer} votes in {vis} poll: {r.status_code}, wanted {wanted}")
    _report(failures)


async def test_quotes(client: httpx.AsyncClient, world: World) -> None:
    """A public quote shows the quoted post only to those who may open it; the others
    see an `unauthorized` quote with nothing in it."""
    failures = []
    author = world.users["author"]
    for vis, sid in world.posts.items():
        body = {"status": f"quoting my {vis} post", "quoted_status_id": sid}
        r = await client.post("/api/v1/statuses", json=body, headers=author.auth)
        quote_id = r.json()["id"]
        for viewer in VIEWERS:
            r = await client.get(f"/api/v1/statuses/{quote_id}", headers=_auth(world, viewer))
            if viewer == "blocked":
                continue  # the quote itself is hidden from them (test_single_status)
            quote = r.json()["quote"]
            shown = quote["quoted_status"] is not None
            if shown != (viewer in CAN_SEE[vis]):
                failures.append(f"{viewer} sees the quoted {vis} post: {shown} ({quote['state']})")
        for viewer in ("follower", "stranger"):  # others may quote public posts only
            r = await client.post(
                "/api/v1/statuses", json={"status": "q", "quoted_status_id": sid},
                headers=_auth(world, viewer),
            )  # fmt: skip
            ok = r.status_code == 200
            if ok != (vis in ("public", "unlisted") and viewer in CAN_SEE[vis]):
                failures.append(f"{viewer} quotes a {vis} post: {r.status_code}")
    _report(failures)


async def test_conversations(client: httpx.AsyncClient, world: World) -> None:
    """A direct post is a conversation for its author and those it mentions, no one else."""
    failures = []
    direct = world.posts["direct"]
    for viewer in VIEWERS:
        if viewer == "anonymous":
            r = await client.get("/api/v1/conversations")
            if r.status_code != 401:
                failures.append(f"anonymous GET conversations: {r.status_code}, wanted 401")
            continue
        r = await client.get("/api/v1/conversations", headers=_auth(world, viewer))
        lasts = {c["last_status"]["id"] for c in r.json() if c["last_status"]}
        has = bool(lasts & {direct, world.replies["direct"]})
        if has != (viewer in CAN_SEE["direct"]):
            failures.append(f"{viewer} conversations show the direct thread: {has}")
        r = await client.post(f"/api/v1/conversations/{direct}/read", headers=_auth(world, viewer))
        expected = 200 if viewer in CAN_SEE["direct"] else 404
        if r.status_code != expected:
            failures.append(f"{viewer} reads the conversation: {r.status_code}, wanted {expected}")
    _report(failures)


async def test_account_statuses(client: httpx.AsyncClient, world: World) -> None:
    failures = []
    author = world.users["author"].id
    for viewer in VIEWERS:
        r = await client.get(f"/api/v1/accounts/{author}/statuses", headers=_auth(world, viewer))
        seen = {s["id"] for s in r.json()} if r.status_code == 200 else set()
        for vis, sid in world.posts.items():
            if (sid in seen) != (viewer in CAN_SEE[vis]):
                failures.append(f"{viewer} account timeline, {vis} post shown: {sid in seen}")
    _report(failures)


async def test_context(client: httpx.AsyncClient, world: World) -> None:
    failures = []
    for vis, sid in world.posts.items():
        for viewer in VIEWERS:
            r = await client.get(f"/api/v1/statuses/{sid}/context", headers=_auth(world, viewer))
            if viewer not in CAN_SEE[vis]:
                if r.status_code != 404:
                    failures.append(f"{viewer} context of hidden {vis} post: {r.status_code}")
                continue
            descendants = [s["id"] for s in r.json()["descendants"]]
            if descendants != [world.replies[vis]]:
                failures.append(f"{viewer} context of {vis} post: {descendants}")
            # And the reply's own context shows its (visible) parent.
            r = await client.get(
                f"/api/v1/statuses/{world.replies[vis]}/context", headers=_auth(world, viewer)
            )
            ancestors = [s["id"] for s in r.json()["ancestors"]]
            if ancestors != [sid]:
                failures.append(f"{viewer} ancestors of {vis} reply: {ancestors}")
    _report(failures)


async def test_home_timelines(client: httpx.AsyncClient, world: World) -> None:
    # Home feeds: the author sees all of their own posts; the follower all but direct ones
    # (they are not mentioned); nobody else follows the author.
    expected = {
        "author": set(VISIBILITIES),
        "follower": {"public", "unlisted", "private"},
        "mentioned": set(),
        "stranger": set(),
        "blocked": set(),
    }
    failures = []
    for viewer, wanted in expected.items():
        r = await client.get("/api/v1/timelines/home?limit=40", headers=_auth(world, viewer))
        seen = {s["id"] for s in r.json()}
        for vis, sid in world.posts.items():
            if (sid in seen) != (vis in wanted):
                failures.append(f"{viewer} home timeline, {vis} post shown: {sid in seen}")
    r = await client.get("/api/v1/timelines/home")
    assert r.status_code == 401
    _report(failures)


async def test_public_and_hashtag_timelines(client: httpx.AsyncClient, world: World) -> None:
    failures = []
    for viewer in VIEWERS:
        for url in ("/api/v1/timelines/public", "/api/v1/timelines/tag/matrix"):
            r = await client.get(url, headers=_auth(world, viewer))
            seen = {s["id"] for s in r.json()}
            for vis, sid in world.posts.items():
                wanted = vis == "public" and viewer != "blocked"
                if (sid in seen) != wanted:
                    failures.append(f"{viewer} {url}, {vis} post shown: {sid in seen}")
    _report(failures)


async def test_notifications(client: httpx.AsyncClient, world: World) -> None:
    # The mentioned account is told of every post that mentions it, whatever its visibility;
    # a private mention from someone it does not follow waits among the filtered ones (as
    # Mastodon's default notification policy has it).
    mentioned = world.users["mentioned"].auth
    r = await client.get("/api/v1/notifications?include_filtered=true", headers=mentioned)
    mentioned_in = {n["status"]["id"] for n in r.json() if n["type"] == "mention"}
    assert set(world.posts.values()) <= mentioned_in
    r = await client.get("/api/v1/notifications", headers=mentioned)
    shown = {n["status"]["id"] for n in r.json()}
    assert world.posts["direct"] not in shown
    assert set(world.posts.values()) - {world.posts["direct"]} <= shown
    # Nobody else was mentioned, so nobody else hears of these posts.
    for viewer in ("follower", "stranger", "blocked"):
        r = await client.get("/api/v1/notifications", headers=world.users[viewer].auth)
        statuses = {n["status"]["id"] for n in r.json() if n.get("status")}
        assert not statuses & set(world.posts.values()), viewer


async def test_search_by_url(client: httpx.AsyncClient, world: World) -> None:
    failures = []
    for vis, sid in world.posts.items():
        url = f"http://testserver/@author/{sid}"
        for viewer in ("author", "follower", "mentioned", "stranger", "blocked"):
            r = await client.get(
                "/api/v2/search", params={"q": url, "resolve": "true"}, headers=_auth(world, viewer)
            )
            found = [s["id"] for s in r.json()["statuses"]]
            if (found == [sid]) != (viewer in CAN_SEE[vis]):
                failures.append(f"{viewer} search for {vis} post URL found: {found}")
    _report(failures)


async def test_full_text_search(client: httpx.AsyncClient, world: World) -> None:
    # Mastodon's rule: public posts of indexable accounts, and otherwise only posts in the
    # viewer's library (their own, or mentioning them); never one they could not open.
    failures = []
    for viewer in VIEWERS:
        r = await client.get(
            "/api/v2/search", params={"q": "matrix", "type": "statuses"},
            headers=_auth(world, viewer),
        )  # fmt: skip
        found = {s["id"] for s in r.json()["statuses"]}
        for vis, sid in world.posts.items():
            library = vis == "public" or viewer in ("author", "mentioned")
            wanted = viewer in CAN_SEE[vis] and library and viewer != "blocked"
            if (sid in found) != wanted:
                failures.append(f"{viewer} full-text search, {vis} post found: {sid in found}")
    _report(failures)


async def test_suspended_author_disappears(
    client: httpx.AsyncClient, world: World, roost: Roost
) -> None:
    await roost.db.execute(
        accounts.update()
        .where(accounts.c.id == world.users["author"].id)
        .values(suspended_at=utcnow())
    )
    sid = world.posts["public"]
    for viewer in ("follower", "stranger", "anonymous"):
        r = await client.get(f"/api/v1/statuses/{sid}", headers=_auth(world, viewer))
        assert r.status_code == 404, viewer
    r = await client.get("/api/v1/timelines/home", headers=world.users["follower"].auth)
    assert sid not in {s["id"] for s in r.json()}
    r = await client.get("/api/v1/timelines/public")
    assert sid not in {s["id"] for s in r.json()}
    r = await client.get(f"/api/v1/accounts/{world.users['author'].id}")
    assert r.status_code == 404


async def test_silenced_author_leaves_public_places_for_non_followers(
    client: httpx.AsyncClient, world: World, roost: Roost
) -> None:
    # A moderator's limit (silence): gone from public and hashtag timelines and search for
    # those who do not follow the author; its posts open as before for everyone who could.
    await roost.db.execute(
        accounts.update()
        .where(accounts.c.id == world.users["author"].id)
        .values(silenced_at=utcnow())
    )
    failures = []
    for viewer in VIEWERS:
        for url in ("/api/v1/timelines/public", "/api/v1/timelines/tag/matrix"):
            r = await client.get(url, headers=_auth(world, viewer))
            shown = world.posts["public"] in {s["id"] for s in r.json()}
            if shown != (viewer in ("author", "follower")):
                failures.append(f"{viewer} {url}, silenced author's public post shown: {shown}")
        for vis, sid in world.posts.items():
            r = await client.get(f"/api/v1/statuses/{sid}", headers=_auth(world, viewer))
            if (r.status_code == 200) != (viewer in CAN_SEE[vis]):
                failures.append(f"{viewer} opens silenced author's {vis} post: {r.status_code}")
    _report(failures)


async def test_muted_author_hidden_from_timelines_not_from_post_page(
    client: httpx.AsyncClient, world: World
) -> None:
    follower = world.users["follower"]
    r = await client.post(
        f"/api/v1/accounts/{world.users['author'].id}/mute", headers=follower.auth
    )
    assert r.status_code == 200, r.text
    r = await client.get("/api/v1/timelines/home", headers=follower.auth)
    assert world.posts["public"] not in {s["id"] for s in r.json()}
    r = await client.get(f"/api/v1/statuses/{world.posts['public']}", headers=follower.auth)
    assert r.status_code == 200


async def test_private_posts_cannot_be_reblogged_by_others(
    client: httpx.AsyncClient, world: World
) -> None:
    r = await client.post(
        f"/api/v1/statuses/{world.posts['private']}/reblog", headers=world.users["follower"].auth
    )
    assert r.status_code == 403


async def test_list_timelines(client: httpx.AsyncClient, world: World) -> None:
    # The follower lists the author: the list shows what their home shows of the author
    # (all but the direct post, which does not mention them), read from the list's feed.
    follower = world.users["follower"].auth
    r = await client.post("/api/v1/lists", json={"title": "matrix"}, headers=follower)
    assert r.status_code == 200, r.text
    list_id = r.json()["id"]
    r = await client.post(
        f"/api/v1/lists/{list_id}/accounts",
        json={"account_ids": [world.users["author"].id]},
        headers=follower,
    )
    assert r.status_code == 200, r.text
    failures = []
    for viewer in VIEWERS:
        r = await client.get(f"/api/v1/timelines/list/{list_id}", headers=_auth(world, viewer))
        if viewer != "follower":  # a list is its owner's alone
            wanted = 401 if viewer == "anonymous" else 404
            if r.status_code != wanted:
                failures.append(f"{viewer} reads the follower's list: {r.status_code}")
            continue
        seen = {s["id"] for s in r.json()}
        for vis, sid in world.posts.items():
            if (sid in seen) != (vis != "direct"):
                failures.append(f"follower's list, {vis} post shown: {sid in seen}")
    _report(failures)


async def test_grouped_notifications(client: httpx.AsyncClient, world: World) -> None:
    # As test_notifications, through /api/v2/notifications (read from notification_groups).
    failures = []
    for viewer in ("author", "follower", "mentioned", "stranger", "blocked"):
        r = await client.get("/api/v2/notifications", headers=world.users[viewer].auth)
        assert r.status_code == 200, r.text
        shown = {s["id"] for s in r.json()["statuses"]}
        for vis, sid in world.posts.items():
            wanted = viewer == "mentioned" and vis != "direct"
            if (sid in shown) != wanted:
                failures.append(f"{viewer} grouped notifications, {vis} post shown: {sid in shown}")
    r = await client.get("/api/v2/notifications")
    assert r.status_code == 401
    _report(failures)
