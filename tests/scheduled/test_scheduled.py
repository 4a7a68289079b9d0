"""Scheduled posts: scheduling (and what is refused), the list, showing, moving and
cancelling one's own, and the job that publishes them on time, once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from roost.instance import Roost
from roost.jobs.tables import jobs
from roost.scheduled.jobs import publish_scheduled_status
from roost.scheduled.tables import scheduled_statuses
from roost.statuses.tables import statuses
from roost.timeutil import iso, utcnow
from tests.conftest import MakeUser, User

HOUR = 3600


def ahead(seconds: float) -> str:
    return iso(utcnow() + timedelta(seconds=seconds))


async def schedule(
    client: httpx.AsyncClient, user: User, when: str, **extra: Any
) -> httpx.Response:
    body = {"status": "Good morning", "scheduled_at": when, **extra}
    return await client.post("/api/v1/statuses", json=body, headers=user.auth)


async def scheduled(client: httpx.AsyncClient, user: User, **extra: Any) -> dict[str, Any]:
    r = await schedule(client, user, ahead(HOUR), **extra)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def posts_by(roost: Roost, user: User) -> list[Any]:
    return list(
        await roost.db.fetch_all(
            sa.select(statuses).where(statuses.c.account_id == user.id).order_by(statuses.c.id)
        )
    )


async def time_comes(roost: Roost, scheduled_id: str) -> None:
    """Move the post's time and its jobs' into the past, as if the hour had come, and run
    the due jobs."""
    past = utcnow() - timedelta(seconds=1)
    async with roost.db.transaction() as tx:
        await tx.execute(
            scheduled_statuses.update()
            .where(scheduled_statuses.c.id == int(scheduled_id))
            .values(scheduled_at=past)
        )
        await tx.execute(
            jobs.update().where(jobs.c.kind == "publish_scheduled_status").values(run_at=past)
        )
    assert roost.worker is not None
    await roost.worker.run_pending()


async def test_scheduling_answers_a_scheduled_status_and_posts_nothing(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    when = ahead(2 * HOUR)
    r = await schedule(
        client, alice, when, spoiler_text="cw", visibility="unlisted", language="en",
        poll={"options": ["Tea", "Coffee"], "expires_in": HOUR, "multiple": True},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["scheduled_at"] == when
    assert body["media_attachments"] == []
    assert body["params"] == {
        "text": "Good morning",
        "poll": {"options": ["Tea", "Coffee"], "expires_in": HOUR, "multiple": True,
                 "hide_totals": False},
        "media_ids": None,
        "sensitive": None,
        "spoiler_text": "cw",
        "visibility": "unlisted",
        "in_reply_to_id": None,
        "language": "en",
        "application_id": None,
        "scheduled_at": None,
        "idempotency": None,
        "with_rate_limit": False,
    }  # fmt: skip
    assert await posts_by(roost, alice) == []
    # The visibility left out is the author's default, as Mastodon stores it.
    assert (await scheduled(client, alice))["params"]["visibility"] == "public"


async def test_times_too_soon_past_or_malformed_are_refused(
    client: httpx.AsyncClient, alice: User
) -> None:
    for when in (ahead(4 * 60), ahead(-HOUR)):
        r = await schedule(client, alice, when)
        assert r.status_code == 422, when
        assert r.json()["error"] == (
            "Validation failed: Scheduled at date must be in the future (at least 5 minutes ahead)"
        )
    for when in ("tomorrow", "2026-13-01T10:00:00Z", "12:00"):
        r = await schedule(client, alice, when)
        assert r.status_code == 422, when
        assert "not a valid date" in r.json()["error"]
    # With an offset: the same moment in UTC.
    r = await schedule(client, alice, "2999-01-01T10:00:00+02:00")
    assert r.status_code == 200
    assert r.json()["scheduled_at"] == "2999-01-01T08:00:00.000Z"
    listed = (await client.get("/api/v1/scheduled_statuses", headers=alice.auth)).json()
    assert len(listed) == 1


async def test_a_post_that_would_be_refused_is_refused_when_scheduled(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    when = ahead(HOUR)
    too_long = "x" * (roost.settings.max_post_chars + 1)
    cases: list[tuple[dict[str, Any], int]] = [
        ({"status": " "}, 422),
        ({"status": too_long}, 422),
        ({"visibility": "everyone"}, 422),
        ({"language": "english!"}, 422),
        ({"poll": {"options": ["only one"], "expires_in": HOUR}}, 422),
        ({"poll": {"options": ["a", "b"], "expires_in": 10}}, 422),
        ({"in_reply_to_id": "12345"}, 404),
    ]
    private = await client.post(
        "/api/v1/statuses", json={"status": "mine", "visibility": "private"}, headers=bob.auth
    )
    cases.append(({"in_reply_to_id": private.json()["id"]}, 404))  # not visible to alice
    for extra, code in cases:
        r = await schedule(client, alice, when, **extra)
        assert r.status_code == code, (extra, r.text)
    assert (await client.get("/api/v1/scheduled_statuses", headers=alice.auth)).json() == []


async def test_the_limits_of_300_waiting_and_25_a_day(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    day = (utcnow() + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    for i in range(25):
        r = await schedule(client, alice, iso(day + timedelta(minutes=i)))
        assert r.status_code == 200, r.text
    r = await schedule(client, alice, iso(day + timedelta(hours=5)))
    assert r.status_code == 422
    assert r.json()["error"] == (
        "Validation failed: You have exceeded the limit of 25 scheduled posts for today"
    )
    moved = (await schedule(client, alice, iso(day + timedelta(days=1)))).json()
    r = await client.put(
        f"/api/v1/scheduled_statuses/{moved['id']}",
        json={"scheduled_at": iso(day + timedelta(hours=1))},
        headers=alice.auth,
    )
    assert r.status_code == 422  # moving into a full day
    # 300 waiting in all: filled in by SQL, one request refused.
    rows = [
        {"id": 10_000 + i, "account_id": alice.id, "created_at": utcnow(),
         "scheduled_at": day + timedelta(days=3 + i // 20), "params": {"text": "x"}}
        for i in range(300 - 26)
    ]  # fmt: skip
    async with roost.db.transaction() as tx:
        await tx.execute(scheduled_statuses.insert(), rows)
    r = await schedule(client, alice, iso(day + timedelta(days=100)))
    assert r.status_code == 422
    assert r.json()["error"] == (
        "Validation failed: You have exceeded the limit of 300 scheduled posts"
    )


async def test_list_show_reschedule_and_cancel_ones_own(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    made = [await scheduled(client, alice, status=f"post {i}") for i in range(3)]
    await scheduled(client, bob)
    r = await client.get("/api/v1/scheduled_statuses?limit=2", headers=alice.auth)
    assert r.status_code == 200
    assert [s["id"] for s in r.json()] == [made[2]["id"], made[1]["id"]]
    assert f"max_id={made[1]['id']}" in r.headers["Link"]
    older = await client.get(
        f"/api/v1/scheduled_statuses?max_id={made[1]['id']}", headers=alice.auth
    )
    assert [s["id"] for s in older.json()] == [made[0]["id"]]
    newer = await client.get(
        f"/api/v1/scheduled_statuses?min_id={made[0]['id']}&limit=1", headers=alice.auth
    )
    assert [s["id"] for s in newer.json()] == [made[1]["id"]]
    since = await client.get(
        f"/api/v1/scheduled_statuses?since_id={made[0]['id']}", headers=alice.auth
    )
    assert [s["id"] for s in since.json()] == [made[2]["id"], made[1]["id"]]

    one = f"/api/v1/scheduled_statuses/{made[0]['id']}"
    assert (await client.get(one, headers=alice.auth)).json() == made[0]
    later = ahead(5 * HOUR)
    r = await client.put(one, json={"scheduled_at": later}, headers=alice.auth)
    assert r.status_code == 200
    assert r.json() == {**made[0], "scheduled_at": later}
    for when in (ahead(60), ahead(-60), "soon", ""):
        r = await client.put(one, json={"scheduled_at": when}, headers=alice.auth)
        assert r.status_code == 422, when
    assert (await client.get(one, headers=alice.auth)).json()["scheduled_at"] == later
    # Someone else's is not found, whatever they do with it.
    for method in ("GET", "PUT", "DELETE"):
        r = await client.request(method, one, json={"scheduled_at": ahead(HOUR)}, headers=bob.auth)
        assert r.status_code == 404, method
    assert (await client.get(one)).status_code == 401
    r = await client.delete(one, headers=alice.auth)
    assert (r.status_code, r.json()) == (200, {})
    assert (await client.get(one, headers=alice.auth)).status_code == 404
    assert (await client.delete(one, headers=alice.auth)).status_code == 404
    listed = (await client.get("/api/v1/scheduled_statuses", headers=alice.auth)).json()
    assert [s["id"] for s in listed] == [made[2]["id"], made[1]["id"]]


async def test_scopes(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    reader = await make_user("reader", scopes="read")
    r = await schedule(client, reader, ahead(HOUR))
    assert r.status_code == 403
    assert (await client.get("/api/v1/scheduled_statuses", headers=reader.auth)).status_code == 200


async def test_the_job_publishes_it_on_time_with_its_poll(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    parent = (await client.post("/api/v1/statuses", json={"status": "Q"}, headers=bob.auth)).json()
    made = await scheduled(
        client, alice, visibility="unlisted", spoiler_text="cw", in_reply_to_id=parent["id"],
        poll={"options": ["Tea", "Coffee"], "expires_in": HOUR},
    )  # fmt: skip
    assert roost.worker is not None
    await roost.worker.run_pending()  # not yet: nothing is due
    assert await posts_by(roost, alice) == []
    await time_comes(roost, made["id"])
    [row] = await posts_by(roost, alice)
    assert (row.text, row.visibility, row.spoiler_text) == ("Good morning", "unlisted", "cw")
    assert row.in_reply_to_id == int(parent["id"])
    status = (await client.get(f"/api/v1/statuses/{row.id}", headers=bob.auth)).json()
    assert [o["title"] for o in status["poll"]["options"]] == ["Tea", "Coffee"]
    # The poll's time counts from publication.
    assert status["poll"]["expires_at"] > ahead(HOUR - 60)
    assert (
        await client.get(f"/api/v1/scheduled_statuses/{made['id']}", headers=alice.auth)
    ).status_code == 404
    home = (await client.get("/api/v1/timelines/home", headers=alice.auth)).json()
    assert [s["id"] for s in home][:1] == [str(row.id)]


async def test_a_retried_job_posts_once(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    made = await scheduled(client, alice)
    kept = await roost.db.fetch_one(
        sa.select(scheduled_statuses).where(scheduled_statuses.c.id == int(made["id"]))
    )
    assert kept is not None
    await time_comes(roost, made["id"])
    assert len(await posts_by(roost, alice)) == 1
    # As if the run had died after posting, before forgetting the row: run again.
    async with roost.db.transaction() as tx:
        await tx.execute(
            scheduled_statuses.insert(),
            [{**kept._asdict(), "scheduled_at": utcnow() - timedelta(seconds=1)}],
        )
    await publish_scheduled_status(roost, {"scheduled_status_id": int(made["id"])})
    assert len(await posts_by(roost, alice)) == 1
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(scheduled_statuses)) == 0


async def test_a_moved_post_is_published_by_its_new_job_only(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    made = await scheduled(client, alice)
    first_job: dict[str, Any] = await roost.db.scalar(
        sa.select(jobs.c.payload).where(jobs.c.kind == "publish_scheduled_status")
    )
    r = await client.put(
        f"/api/v1/scheduled_statuses/{made['id']}",
        json={"scheduled_at": ahead(3 * HOUR)},
        headers=alice.auth,
    )
    assert r.status_code == 200
    # The old job, run at the old time: the post is now for later, so nothing happens.
    await publish_scheduled_status(roost, first_job)
    assert await posts_by(roost, alice) == []
    assert (
        await client.get(f"/api/v1/scheduled_statuses/{made['id']}", headers=alice.auth)
    ).status_code == 200
    # Its own job, run early (a clock ahead), queues itself again rather than post.
    before = await roost.db.scalar(sa.select(sa.func.count()).select_from(jobs))
    own = {"scheduled_status_id": int(made["id"]), "scheduled_at": r.json()["scheduled_at"]}
    await publish_scheduled_status(roost, own)
    assert await posts_by(roost, alice) == []
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(jobs)) == before + 1
    await time_comes(roost, made["id"])
    assert len(await posts_by(roost, alice)) == 1


async def test_a_cancelled_post_is_never_published(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    made = await scheduled(client, alice)
    r = await client.delete(f"/api/v1/scheduled_statuses/{made['id']}", headers=alice.auth)
    assert r.status_code == 200
    await time_comes(roost, made["id"])
    await publish_scheduled_status(roost, {"scheduled_status_id": int(made["id"])})
    assert await posts_by(roost, alice) == []


async def test_a_suspended_authors_post_is_dropped(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    from roost.accounts.tables import accounts

    made = await scheduled(client, alice)
    gone = await scheduled(client, bob)
    async with roost.db.transaction() as tx:
        await tx.execute(
            accounts.update().where(accounts.c.id == alice.id).values(suspended_at=utcnow())
        )
        await tx.execute(accounts.delete().where(accounts.c.id == bob.id))
    await time_comes(roost, made["id"])
    await publish_scheduled_status(roost, {"scheduled_status_id": int(gone["id"])})
    assert await posts_by(roost, alice) == []
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(scheduled_statuses)) == 0
    assert (
        await roost.db.scalar(
            sa.select(sa.func.count()).select_from(jobs).where(jobs.c.state == "dead")
        )
        == 0
    )


async def test_a_post_whose_parent_was_deleted_is_dropped(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    parent = (
        await client.post("/api/v1/statuses", json={"status": "Q"}, headers=alice.auth)
    ).json()
    made = await scheduled(client, alice, in_reply_to_id=parent["id"])
    await client.delete(f"/api/v1/statuses/{parent['id']}", headers=alice.auth)
    await time_comes(roost, made["id"])
    assert await posts_by(roost, alice) == []
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(scheduled_statuses)) == 0


async def test_a_repeated_request_schedules_once(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    when = ahead(HOUR)

    async def send(key: str) -> httpx.Response:
        return await client.post(
            "/api/v1/statuses",
            json={"status": "Once", "scheduled_at": when},
            headers={**alice.auth, "Idempotency-Key": key},
        )

    first, again = await asyncio.gather(send("k1"), send("k1"))
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["params"]["idempotency"] == "k1"
    other = await send("k2")
    assert other.json()["id"] != first.json()["id"]
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(scheduled_statuses)) == 2
