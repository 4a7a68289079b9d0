"""Editing a status: the new version everywhere at once, its history, its poll, who may
edit, two edits at once, and who is told."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import sqlalchemy as sa

from roost.instance import Roost
from roost.statuses.tables import status_edits
from tests.conftest import User
from tests.polls.test_polls import post_poll, vote


async def post(client: httpx.AsyncClient, user: User, **body: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/statuses", json=body, headers=user.auth)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def edit(
    client: httpx.AsyncClient, user: User, status_id: str, **body: Any
) -> httpx.Response:
    return await client.put(f"/api/v1/statuses/{status_id}", json=body, headers=user.auth)


async def test_an_edit_shows_everywhere_with_its_history(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    status = await post(client, alice, status="Helo #typo")
    assert status["edited_at"] is None
    home_before = (await client.get("/api/v1/timelines/home", headers=alice.auth)).json()
    assert home_before[0]["content"].startswith("<p>Helo")  # rendered and cached
    r = await edit(client, alice, status["id"], status="Hello @bob #fixed", spoiler_text="cw")
    assert r.status_code == 200, r.text
    edited = r.json()
    assert edited["id"] == status["id"]
    assert edited["edited_at"] is not None
    assert "Hello" in edited["content"]
    assert [m["username"] for m in edited["mentions"]] == ["bob"]
    assert [t["name"] for t in edited["tags"]] == ["fixed"]
    assert (edited["spoiler_text"], edited["sensitive"]) == ("cw", True)
    # Everyone sees the new version at once: the cached rendering was dropped.
    for user in (alice, bob):
        seen = (await client.get(f"/api/v1/statuses/{status['id']}", headers=user.auth)).json()
        assert "Hello" in seen["content"]
    home = (await client.get("/api/v1/timelines/home", headers=alice.auth)).json()
    assert "Hello" in home[0]["content"]
    tag = (await client.get("/api/v1/timelines/tag/fixed")).json()
    assert [s["id"] for s in tag] == [status["id"]]
    assert (await client.get("/api/v1/timelines/tag/typo")).json() == []
    source = (
        await client.get(f"/api/v1/statuses/{status['id']}/source", headers=alice.auth)
    ).json()
    assert source["text"] == "Hello @bob #fixed"
    history = (await client.get(f"/api/v1/statuses/{status['id']}/history")).json()
    assert [h["content"].startswith("<p>Helo") for h in history] == [True, False]
    assert history[0]["created_at"] == status["created_at"]
    assert history[1]["spoiler_text"] == "cw"
    assert {h["account"]["id"] for h in history} == {str(alice.id)}
    await edit(client, alice, status["id"], status="Third")
    history = (await client.get(f"/api/v1/statuses/{status['id']}/history")).json()
    assert len(history) == 3


async def test_a_status_never_edited_has_itself_as_history(
    client: httpx.AsyncClient, alice: User
) -> None:
    status = await post(client, alice, status="As first written")
    history = (await client.get(f"/api/v1/statuses/{status['id']}/history")).json()
    assert len(history) == 1
    assert history[0]["content"] == status["content"]
    assert history[0]["poll"] is None


async def test_only_the_author_edits_a_post_that_exists(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    status = await post(client, alice, status="Mine")
    assert (await edit(client, bob, status["id"], status="Theirs")).status_code == 404
    assert (await edit(client, alice, "12345", status="Nothing")).status_code == 404
    reblog = (await client.post(f"/api/v1/statuses/{status['id']}/reblog", headers=bob.auth)).json()
    assert (await edit(client, bob, reblog["id"], status="A boost")).status_code == 404
    r = await edit(client, alice, status["id"], status="  ")
    assert r.status_code == 422
    r = await edit(client, alice, status["id"], status="x" * 501)
    assert r.status_code == 422
    private = await post(client, alice, status="Hidden", visibility="private")
    r = await client.get(f"/api/v1/statuses/{private['id']}/history", headers=bob.auth)
    assert r.status_code == 404
    seen = (await client.get(f"/api/v1/statuses/{status['id']}", headers=alice.auth)).json()
    assert seen["content"] == status["content"]  # nothing refused was written
    await client.delete(f"/api/v1/statuses/{status['id']}", headers=alice.auth)
    assert (await edit(client, alice, status["id"], status="Gone")).status_code == 404


async def test_concurrent_edits_are_all_in_the_history(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    status = await post(client, alice, status="v0")
    answers = await asyncio.gather(
        *(edit(client, alice, status["id"], status=f"v{i}") for i in range(1, 6))
    )
    assert [r.status_code for r in answers] == [200] * 5
    texts = await roost.db.scalars(
        sa.select(status_edits.c.text)
        .where(status_edits.c.status_id == int(status["id"]))
        .order_by(status_edits.c.id)
    )
    assert texts[0] == "v0"
    assert sorted(texts[1:]) == [f"v{i}" for i in range(1, 6)]  # each recorded once
    final = (await client.get(f"/api/v1/statuses/{status['id']}/source", headers=alice.auth)).json()
    assert final["text"] == texts[-1]  # the last recorded is the one that stands


async def test_editing_a_poll(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    status = await post_poll(client, alice, ["a", "b"])
    poll_id = status["poll"]["id"]
    assert (await vote(client, bob, poll_id, 0)).status_code == 200
    same = {"options": ["a", "b"], "expires_in": 7200}
    r = await edit(client, alice, status["id"], status="Which? (edited)", poll=same)
    assert r.json()["poll"]["votes_count"] == 1  # the same options keep their votes
    changed = {"options": ["a", "b", "c"], "expires_in": 3600}
    r = await edit(client, alice, status["id"], status="Which now?", poll=changed)
    poll = r.json()["poll"]
    assert poll["id"] == poll_id
    assert [o["title"] for o in poll["options"]] == ["a", "b", "c"]
    assert (poll["votes_count"], poll["voters_count"]) == (0, 0)  # new options: a new count
    assert (await vote(client, bob, poll_id, 2)).status_code == 200  # bob may vote again
    history = (await client.get(f"/api/v1/statuses/{status['id']}/history")).json()
    assert [[o["title"] for o in h["poll"]["options"]] for h in history] == [
        ["a", "b"], ["a", "b"], ["a", "b", "c"],
    ]  # fmt: skip
    r = await edit(client, alice, status["id"], status="No poll after all")
    assert r.json()["poll"] is None
    assert (await client.get(f"/api/v1/polls/{poll_id}")).status_code == 404


async def test_those_who_reposted_are_told(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    status = await post(client, alice, status="Worth sharing")
    await client.post(f"/api/v1/statuses/{status['id']}/reblog", headers=bob.auth)
    await edit(client, alice, status["id"], status="Worth sharing, now right")
    told = (await client.get("/api/v1/notifications?types[]=update", headers=bob.auth)).json()
    assert [(n["type"], n["status"]["id"]) for n in told] == [("update", status["id"])]
    assert "now right" in told[0]["status"]["content"]
    others = (await client.get("/api/v1/notifications?types[]=update", headers=carol.auth)).json()
    assert others == []
