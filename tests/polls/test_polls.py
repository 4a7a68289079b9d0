"""Polls: posting one, its entity, voting (once, while open, not in one's own), hidden
totals, closing at the deadline with notifications, visibility, and races."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from roost.db import Database
from roost.instance import Roost
from roost.polls.jobs import close_poll
from roost.polls.tables import poll_votes, polls
from roost.statuses.tables import statuses
from roost.timeutil import utcnow
from tests.conftest import MakeUser, User

HOUR = 3600


async def post_poll(
    client: httpx.AsyncClient, user: User, options: list[str], **extra: Any
) -> dict[str, Any]:
    poll = {"options": options, "expires_in": HOUR, **extra.pop("poll", {})}
    r = await client.post(
        "/api/v1/statuses", json={"status": "Which?", "poll": poll, **extra}, headers=user.auth
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def vote(
    client: httpx.AsyncClient, user: User, poll_id: str, *choices: int
) -> httpx.Response:
    return await client.post(
        f"/api/v1/polls/{poll_id}/votes", json={"choices": list(choices)}, headers=user.auth
    )


async def end_now(db: Database, poll_id: str) -> None:
    """Move the poll's deadline into the past, as if its time had run out (`db` the
    instance's, so that its cached post is invalidated)."""
    async with db.transaction() as tx:
        await tx.execute(
            polls.update()
            .where(polls.c.id == int(poll_id))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        tx.invalidate(
            f"s:{(await tx.scalar(sa.select(polls.c.status_id).where(polls.c.id == int(poll_id))))}"
        )


async def test_a_post_carries_its_poll(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    before = utcnow()
    status = await post_poll(client, alice, ["Tea", " Coffee "], poll={"multiple": True})
    poll = status["poll"]
    assert [o["title"] for o in poll["options"]] == ["Tea", "Coffee"]
    assert [o["votes_count"] for o in poll["options"]] == [0, 0]
    assert poll["multiple"] is True
    assert (poll["expired"], poll["votes_count"], poll["voters_count"]) == (False, 0, 0)
    assert (poll["voted"], poll["own_votes"], poll["emojis"]) == (True, [], [])  # the author
    expires = poll["expires_at"]
    assert expires > (before + timedelta(seconds=HOUR - 5)).isoformat()
    # Read back, by someone else and by nobody: the same poll, with their own part.
    seen = (await client.get(f"/api/v1/statuses/{status['id']}", headers=bob.auth)).json()
    assert seen["poll"] == {**poll, "voted": False, "own_votes": []}
    anonymous = (await client.get(f"/api/v1/polls/{poll['id']}")).json()
    assert anonymous == {**poll, "voted": None, "own_votes": None}


async def test_a_poll_from_form_fields(client: httpx.AsyncClient, alice: User) -> None:
    r = await client.post(
        "/api/v1/statuses",
        data={
            "status": "Form",
            "poll[options][]": ["Yes", "No"],
            "poll[expires_in]": "300",
            "poll[hide_totals]": "true",
        },
        headers=alice.auth,
    )
    assert r.status_code == 200, r.text
    assert [o["title"] for o in r.json()["poll"]["options"]] == ["Yes", "No"]


@pytest.mark.parametrize(
    ("poll", "message"),
    [
        ({"options": ["Only"], "expires_in": HOUR}, "more than one item"),
        ({"options": ["a", "b", "c", "d", "e"], "expires_in": HOUR}, "more than 4 items"),
        ({"options": ["a", "x" * 51], "expires_in": HOUR}, "longer than 50 characters"),
        ({"options": ["Same", "Same"], "expires_in": HOUR}, "duplicate"),
        ({"options": ["a", " "], "expires_in": HOUR}, "blank"),
        ({"options": ["a", "b"], "expires_in": 299}, "too soon"),
        ({"options": ["a", "b"], "expires_in": 30 * 24 * HOUR + 1}, "too far"),
        ({"options": ["a", "b"]}, "expires_in"),
        ({"options": ["a", True], "expires_in": HOUR}, "list of texts"),
        ({"options": ["a", {"x": 1}], "expires_in": HOUR}, "Poll options"),
    ],
)  # fmt: skip
async def test_a_bad_poll_is_refused_and_nothing_is_posted(
    client: httpx.AsyncClient, alice: User, db: Database, poll: dict[str, Any], message: str
) -> None:
    count = sa.select(sa.func.count()).select_from(statuses)
    before = await db.scalar(count)
    r = await client.post(
        "/api/v1/statuses", json={"status": "Poll", "poll": poll}, headers=alice.auth
    )
    assert r.status_code == 422, r.text
    assert message in r.json()["error"]
    assert await db.scalar(count) == before


async def test_voting(client: httpx.AsyncClient, alice: User, bob: User, carol: User) -> None:
    status = await post_poll(client, alice, ["Tea", "Coffee", "Water"])
    poll_id = status["poll"]["id"]
    r = await vote(client, bob, poll_id, 1)
    assert r.status_code == 200, r.text
    poll = r.json()
    assert (poll["votes_count"], poll["voters_count"], poll["voted"], poll["own_votes"]) == (
        1, 1, True, [1],
    )  # fmt: skip
    assert [o["votes_count"] for o in poll["options"]] == [0, 1, 0]
    refused = [
        (bob, (0,), "already voted"),
        (alice, (0,), "your own polls"),
        (carol, (3,), "does not exist"),
        (carol, (-1,), "does not exist"),
        (carol, (0, 1), "single choice"),
        (carol, (), "at least one"),
    ]
    for who, choices, message in refused:
        r = await vote(client, who, poll_id, *choices)
        assert r.status_code == 422, (who.username, choices, r.text)
        assert message in r.json()["error"]
    r = await client.post(
        f"/api/v1/polls/{poll_id}/votes", json={"choices": ["x"]}, headers=carol.auth
    )
    assert r.status_code == 422
    # Nothing refused was counted; everyone's view shows the vote (the cache was dropped).
    seen = (await client.get(f"/api/v1/statuses/{status['id']}", headers=carol.auth)).json()
    assert (seen["poll"]["votes_count"], seen["poll"]["voted"]) == (1, False)
    assert [o["votes_count"] for o in seen["poll"]["options"]] == [0, 1, 0]


async def test_multiple_choices(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    status = await post_poll(client, alice, ["a", "b", "c"], poll={"multiple": True})
    r = await client.post(
        f"/api/v1/polls/{status['poll']['id']}/votes",
        data={"choices[]": ["0", "2", "2"]},
        headers=bob.auth,
    )
    assert r.status_code == 200, r.text
    poll = r.json()
    assert (poll["votes_count"], poll["voters_count"], poll["own_votes"]) == (2, 1, [0, 2])
    assert [o["votes_count"] for o in poll["options"]] == [1, 0, 1]


async def test_hidden_totals_show_when_the_poll_ends(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    status = await post_poll(client, alice, ["a", "b"], poll={"hide_totals": True})
    poll_id = status["poll"]["id"]
    poll = (await vote(client, bob, poll_id, 0)).json()
    assert [o["votes_count"] for o in poll["options"]] == [None, None]
    assert poll["votes_count"] == 1
    await end_now(roost.db, poll_id)
    poll = (await client.get(f"/api/v1/polls/{poll_id}", headers=bob.auth)).json()
    assert poll["expired"] is True
    assert [o["votes_count"] for o in poll["options"]] == [1, 0]


async def test_an_ended_poll_takes_no_vote_and_tells_voters_and_author(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    status = await post_poll(client, alice, ["a", "b"])
    poll_id = status["poll"]["id"]
    assert (await vote(client, bob, poll_id, 0)).status_code == 200
    await end_now(roost.db, poll_id)
    r = await vote(client, carol, poll_id, 1)
    assert r.status_code == 422
    assert "ended" in r.json()["error"]
    for _ in range(2):  # a retried job tells nobody twice
        await close_poll(roost, {"poll_id": int(poll_id)})
    for user, expected in ((alice, 1), (bob, 1), (carol, 0)):
        found = (await client.get("/api/v1/notifications?types[]=poll", headers=user.auth)).json()
        assert len(found) == expected, user.username
        if expected:
            assert found[0]["type"] == "poll"
            assert found[0]["status"]["poll"]["expired"] is True
            assert found[0]["account"]["id"] == str(alice.id)
    closed = await roost.db.scalar(sa.select(polls.c.closed_at).where(polls.c.id == int(poll_id)))
    assert closed is not None


async def test_the_close_job_waits_for_the_deadline_and_forgets_deleted_polls(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    status = await post_poll(client, alice, ["a", "b"])
    poll_id = int(status["poll"]["id"])
    await close_poll(roost, {"poll_id": poll_id})  # early: closes nothing
    assert await roost.db.scalar(sa.select(polls.c.closed_at).where(polls.c.id == poll_id)) is None
    assert (
        await client.delete(f"/api/v1/statuses/{status['id']}", headers=alice.auth)
    ).status_code == 200
    assert await roost.db.scalar(sa.select(polls.c.id).where(polls.c.id == poll_id)) is None
    await close_poll(roost, {"poll_id": poll_id})  # gone: nothing to do, no error


async def test_a_private_poll_is_closed_to_those_who_cannot_see_its_post(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    status = await post_poll(client, alice, ["a", "b"], visibility="private")
    poll_id = status["poll"]["id"]
    assert (await client.get(f"/api/v1/polls/{poll_id}", headers=bob.auth)).status_code == 404
    assert (await client.get(f"/api/v1/polls/{poll_id}")).status_code == 404
    assert (await vote(client, bob, poll_id, 0)).status_code == 404
    assert (await client.get("/api/v1/polls/123456")).status_code == 404
    r = await client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    assert r.status_code == 200
    assert (await vote(client, bob, poll_id, 0)).status_code == 200


async def test_concurrent_votes_count_exactly(
    client: httpx.AsyncClient, db: Database, alice: User, make_user: MakeUser
) -> None:
    status = await post_poll(client, alice, ["a", "b"])
    poll_id = status["poll"]["id"]
    voters = [await make_user(f"voter{i}") for i in range(12)]
    results = await asyncio.gather(
        *(vote(client, v, poll_id, i % 2) for i, v in enumerate(voters)),
        *(vote(client, voters[0], poll_id, 1) for _ in range(5)),  # one account, again and again
    )
    assert sum(r.status_code == 200 for r in results) == 12
    assert all(r.status_code in (200, 422) for r in results)
    poll = (await client.get(f"/api/v1/polls/{poll_id}", headers=alice.auth)).json()
    assert (poll["votes_count"], poll["voters_count"]) == (12, 12)
    # Each option counts exactly the ballots that chose it (voter0's own vote and its
    # five repeats raced: whichever came first is its one ballot).
    choices = await db.scalars(
        sa.select(poll_votes.c.choices).where(poll_votes.c.poll_id == int(poll_id))
    )
    assert len(choices) == 12
    tally = [sum(c == [i] for c in choices) for i in range(2)]
    assert [o["votes_count"] for o in poll["options"]] == tally


async def test_polls_load_in_a_fixed_number_of_queries(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    roost.tokens.ttl = 3600
    assert (
        await client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    ).status_code == 200

    async def count(cold: bool) -> tuple[int, int]:
        await client.get("/api/v1/timelines/home", headers=bob.auth)
        if cold:
            await roost.cache.clear()
        before = roost.db.query_count
        r = await client.get("/api/v1/timelines/home", headers=bob.auth)
        return roost.db.query_count - before, len(r.json())

    first = await post_poll(client, alice, ["a", "b"])
    await vote(client, bob, first["poll"]["id"], 0)
    one = await count(True), await count(False)
    for i in range(9):
        await post_poll(client, alice, [f"x{i}", f"y{i}"])
    ten = await count(True), await count(False)
    assert [n for _, n in ten] == [10, 10]
    assert [q for q, _ in ten] == [q for q, _ in one]


async def test_a_poll_closing_while_votes_arrive_counts_exactly_the_accepted_ones(
    client: httpx.AsyncClient, roost: Roost, alice: User, make_user: MakeUser
) -> None:
    status = await post_poll(client, alice, ["a", "b"])
    poll_id = status["poll"]["id"]
    early = [await make_user(f"early{i}") for i in range(6)]
    late = [await make_user(f"late{i}") for i in range(10)]

    async def close_now() -> int:
        await end_now(roost.db, poll_id)
        return 0

    first = await asyncio.gather(*(vote(client, u, poll_id, i % 2) for i, u in enumerate(early)))
    assert [r.status_code for r in first] == [200] * len(early)
    # The deadline passes while the second wave of votes is in flight.
    second = await asyncio.gather(
        *(vote(client, u, poll_id, i % 2) for i, u in enumerate(late)), close_now()
    )
    answers = [r.status_code for r in second if isinstance(r, httpx.Response)]
    await close_poll(roost, {"poll_id": int(poll_id)})
    assert set(answers) <= {200, 422}
    accepted = len(early) + answers.count(200)
    poll = (await client.get(f"/api/v1/polls/{poll_id}", headers=alice.auth)).json()
    assert poll["expired"] is True
    assert (poll["votes_count"], poll["voters_count"]) == (accepted, accepted)
    ballots = sa.select(sa.func.count()).select_from(poll_votes)
    assert await roost.db.scalar(ballots.where(poll_votes.c.poll_id == int(poll_id))) == accepted
    told = await client.get("/api/v1/notifications?types[]=poll", headers=early[0].auth)
    assert len(told.json()) == 1
