"""/api/v1/admin/measures, /dimensions and /retention: the figures equal what was seeded,
Mastodon's shapes, a fixed number of queries, and the scope and role checks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from roost.accounts.tables import users
from roost.instance import Roost
from roost.moderation.stats_common import human_size
from roost.moderation.tables import reports
from roost.timeutil import utcnow
from tests.conftest import MakeUser, User
from tests.moderation.conftest import ADMIN_SCOPES
from tests.moderation.test_admin_reports_api import NOT_ALLOWED, report

TODAY = utcnow().date()
YESTERDAY = TODAY - timedelta(days=1)


def stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12)


async def set_user(roost: Roost, user: User, **values: Any) -> None:
    async with roost.db.transaction() as tx:
        await tx.execute(users.update().where(users.c.account_id == user.id).values(**values))


async def measures(
    client: httpx.AsyncClient, who: User, keys: list[str], first: date, last: date, **extra: Any
) -> dict[str, Any]:
    body = {"keys": keys, "start_at": stamp(first), "end_at": stamp(last), **extra}
    r = await client.post("/api/v1/admin/measures", json=body, headers=who.auth)
    assert r.status_code == 200, r.text
    return {m["key"]: m for m in r.json()}


def by_day(measure: dict[str, Any]) -> dict[str, str]:
    return {d["date"][:10]: d["value"] for d in measure["data"]}


async def test_new_users_and_reports_count_what_was_seeded(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, alice: User, bob: User,
    moderator: User,
) -> None:  # fmt: skip
    for n in range(3):
        await set_user(roost, await make_user(f"new{n}"), created_at=noon(YESTERDAY))
    for n in range(2):
        await set_user(roost, await make_user(f"old{n}"), created_at=noon(YESTERDAY - timedelta(1)))
    first = await report(client, alice, bob)
    second = await report(client, bob, alice)
    await report(client, alice, bob)
    async with roost.db.transaction() as tx:
        await tx.execute(
            reports.update().where(reports.c.id == int(first)).values(created_at=noon(YESTERDAY))
        )
    r = await client.post(f"/api/v1/admin/reports/{second}/resolve", headers=moderator.auth)
    assert r.status_code == 200

    got = await measures(
        client, moderator, ["new_users", "opened_reports", "resolved_reports", "nonsense"],
        YESTERDAY, TODAY,
    )  # fmt: skip
    assert list(got) == ["new_users", "opened_reports", "resolved_reports"]
    new = got["new_users"]
    # alice, bob and the moderator signed up today
    assert by_day(new) == {YESTERDAY.isoformat(): "3", TODAY.isoformat(): "3"}
    assert new["total"] == "6"
    # The period before, as long (one day), shifted back: the day before yesterday and
    # yesterday, as Mastodon's previous_time_period.
    assert new["previous_total"] == "5"
    assert new["unit"] is None
    assert "human_value" not in new
    assert new["data"][0] == {"date": stamp(YESTERDAY), "value": "3"}
    assert by_day(got["opened_reports"]) == {YESTERDAY.isoformat(): "1", TODAY.isoformat(): "2"}
    assert got["opened_reports"]["total"] == "3"
    assert by_day(got["resolved_reports"]) == {YESTERDAY.isoformat(): "0", TODAY.isoformat(): "1"}


async def test_activity_interactions_and_tags(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, alice: User, bob: User,
    carol: User, moderator: User,
) -> None:  # fmt: skip
    dave = await make_user("dave")
    quiet = await make_user("quiet")
    three_days_ago = TODAY - timedelta(days=3)
    await set_user(roost, quiet, last_active_at=noon(three_days_ago))
    r = await client.post("/api/v1/statuses", json={"status": "I love #cats"}, headers=alice.auth)
    sid = r.json()["id"]
    await client.post("/api/v1/statuses", json={"status": "#cats!"}, headers=bob.auth)
    await client.post("/api/v1/statuses", json={"status": "#Cats", "visibility": "unlisted"},
                      headers=carol.auth)  # fmt: skip
    await client.post("/api/v1/statuses", json={"status": "#cats", "visibility": "private"},
                      headers=dave.auth)  # fmt: skip
    await client.post(f"/api/v1/statuses/{sid}/favourite", headers=bob.auth)
    await client.post(f"/api/v1/statuses/{sid}/reblog", headers=carol.auth)
    await client.post("/api/v1/statuses", json={"status": "@alice yes", "in_reply_to_id": sid},
                      headers=dave.auth)  # fmt: skip
    tag_id = (await client.get("/api/v1/tags/cats", headers=alice.auth)).json()["id"]

    got = await measures(
        client, moderator,
        ["active_users", "interactions", "tag_uses", "tag_accounts", "tag_servers"],
        three_days_ago, TODAY,
        tag_uses={"id": tag_id}, tag_accounts={"id": tag_id}, tag_servers={"id": tag_id},
    )  # fmt: skip
    active = by_day(got["active_users"])
    assert active[three_days_ago.isoformat()] == "1"  # quiet, last seen then
    assert active[TODAY.isoformat()] == "5"  # alice, bob, carol, dave, the moderator
    assert got["active_users"]["total"] == "6"
    assert len(got["active_users"]["data"]) == 4
    assert by_day(got["interactions"])[TODAY.isoformat()] == "3"  # a favourite, boost, reply
    assert by_day(got["tag_uses"])[TODAY.isoformat()] == "3"  # public and unlisted posts
    assert got["tag_accounts"]["total"] == "3"
    assert got["tag_servers"]["total"] == "0"  # remote servers only, as Mastodon

    # Form bodies, Rails-style keys, work too; a hashtag's figure needs its id.
    r = await client.post(
        "/api/v1/admin/measures",
        data={"keys[]": "tag_uses", "tag_uses[id]": tag_id, "start_at": stamp(TODAY),
              "end_at": stamp(TODAY)},
        headers=moderator.auth,
    )  # fmt: skip
    assert r.json()[0]["total"] == "3"
    r = await client.post(
        "/api/v1/admin/measures",
        json={"keys": ["tag_uses"], "start_at": stamp(TODAY), "end_at": stamp(TODAY)},
        headers=moderator.auth,
    )
    assert r.status_code == 400
    r = await client.post(
        "/api/v1/admin/measures",
        json={"keys": ["tag_uses"], "tag_uses": {"id": "999"}, "start_at": stamp(TODAY),
              "end_at": stamp(TODAY)},
        headers=moderator.auth,
    )  # fmt: skip
    assert r.status_code == 404


async def test_instance_measures_answer_for_the_local_domain_only(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, moderator: User
) -> None:
    await client.post("/api/v1/statuses", json={"status": "hello"}, headers=alice.auth)
    await client.post(f"/api/v1/accounts/{alice.sid}/follow", headers=bob.auth)
    keys = ["instance_accounts", "instance_statuses", "instance_follows", "instance_followers",
            "instance_reports", "instance_media_attachments"]  # fmt: skip
    local = {k: {"domain": roost.settings.domain} for k in keys}
    got = await measures(client, moderator, keys, YESTERDAY, TODAY, **local)
    assert got["instance_accounts"]["total"] == "3"
    assert by_day(got["instance_statuses"]) == {YESTERDAY.isoformat(): "0", TODAY.isoformat(): "1"}
    assert got["instance_follows"]["total"] == got["instance_followers"]["total"] == "1"
    media = got["instance_media_attachments"]
    assert (media["unit"], media["total"], media["human_value"]) == ("bytes", "0", "0 Bytes")
    assert all("previous_total" not in m for m in got.values())

    remote = {k: {"domain": "elsewhere.example"} for k in keys}
    got = await measures(client, moderator, keys, YESTERDAY, TODAY, **remote)
    for m in got.values():
        assert m["total"] == "0"
        assert [d["value"] for d in m["data"]] == ["0", "0"]


async def test_dimensions(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, moderator: User
) -> None:
    await client.post("/api/v1/statuses", json={"status": "hi", "language": "de"},
                      headers=alice.auth)  # fmt: skip
    await client.post("/api/v1/statuses", json={"status": "#cats", "language": "en"},
                      headers=bob.auth)  # fmt: skip
    tag_id = (await client.get("/api/v1/tags/cats", headers=alice.auth)).json()["id"]
    domain = roost.settings.domain
    body = {
        "keys": ["languages", "sources", "servers", "space_usage", "software_versions",
                 "tag_servers", "tag_languages", "instance_accounts", "instance_languages"],
        "start_at": stamp(YESTERDAY), "end_at": stamp(TODAY), "limit": 5,
        "tag_servers": {"id": tag_id}, "tag_languages": {"id": tag_id},
        "instance_accounts": {"domain": domain}, "instance_languages": {"domain": domain},
    }  # fmt: skip
    r = await client.post("/api/v1/admin/dimensions", json=body, headers=moderator.auth)
    assert r.status_code == 200, r.text
    got = {d["key"]: d["data"] for d in r.json()}
    assert list(got) == body["keys"]
    assert got["languages"] == [{"key": "en", "human_key": "English", "value": "3"}]
    assert got["sources"] == [{"key": "web", "human_key": "Website", "value": "3"}]
    assert got["servers"] == [{"key": domain, "human_key": domain, "value": "2"}]
    assert got["tag_servers"] == [{"key": domain, "human_key": domain, "value": "1"}]
    assert got["tag_languages"] == [{"key": "en", "human_key": "English", "value": "1"}]
    assert {d["key"]: d["value"] for d in got["instance_languages"]} == {"de": "1", "en": "1"}
    assert [d["key"] for d in got["instance_accounts"]] == ["alice", "bob", "mod"]
    versions = {d["key"]: d["value"] for d in got["software_versions"]}
    database = "sqlite" if roost.db.is_sqlite else "postgresql"
    assert {"roost", "python", database} <= set(versions)
    assert ("redis" in versions) == (roost.backends.redis is not None)
    space = {d["key"]: d for d in got["space_usage"]}
    assert int(space[database]["value"]) > 0
    assert space[database]["unit"] == "bytes"
    assert space[database]["human_value"] == human_size(int(space[database]["value"]))
    assert "media" in space
    assert ("redis" in space) == (roost.backends.redis is not None)

    body = {"keys": ["instance_accounts"], "instance_accounts": {"domain": "else.example"},
            "start_at": stamp(TODAY), "end_at": stamp(TODAY)}  # fmt: skip
    r = await client.post("/api/v1/admin/dimensions", json=body, headers=moderator.auth)
    assert r.json() == [{"key": "instance_accounts", "data": []}]


async def test_retention(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, moderator: User
) -> None:
    joined = [await make_user(f"j{n}") for n in range(3)]
    for user in joined:
        await set_user(roost, user, created_at=noon(YESTERDAY), last_active_at=noon(YESTERDAY))
    await set_user(roost, joined[0], last_active_at=noon(TODAY))
    body = {"start_at": stamp(YESTERDAY), "end_at": stamp(TODAY), "frequency": "day"}
    r = await client.post("/api/v1/admin/retention", json=body, headers=moderator.auth)
    assert r.status_code == 200, r.text
    first, second = r.json()
    assert first["period"].startswith(YESTERDAY.isoformat())
    assert first["frequency"] == "day"
    assert [(d["date"][:10], d["value"]) for d in first["data"]] == [
        (YESTERDAY.isoformat(), "3"), (TODAY.isoformat(), "1")
    ]  # fmt: skip
    assert first["data"][0]["rate"] == 1.0
    assert first["data"][1]["rate"] == pytest.approx(1 / 3)
    assert [d["value"] for d in second["data"]] == ["1"]  # the moderator, today
    r = await client.post(
        "/api/v1/admin/retention", json={**body, "frequency": "month"}, headers=moderator.auth
    )
    months = r.json()
    assert [m["frequency"] for m in months] == ["month"] * len(months)
    assert months[-1]["period"].startswith(TODAY.replace(day=1).isoformat())
    # j0-j2 and the moderator, counted in the month they signed up in
    assert sum(int(m["data"][0]["value"]) for m in months) == 4


async def test_a_fixed_number_of_queries_whatever_the_period(
    client: httpx.AsyncClient, roost: Roost, moderator: User
) -> None:
    keys = ["active_users", "new_users", "interactions", "opened_reports", "resolved_reports"]

    async def count(days: int) -> int:
        before = roost.db.query_count
        await measures(client, moderator, keys, TODAY - timedelta(days=days), TODAY)
        body = {"start_at": stamp(TODAY - timedelta(days=days)), "end_at": stamp(TODAY)}
        r = await client.post("/api/v1/admin/retention", json=body, headers=moderator.auth)
        assert r.status_code == 200
        return roost.db.query_count - before

    await count(1)  # the token and activity are read and noted once
    assert await count(2) == await count(90) == 6


async def test_scope_and_role_checks(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, moderator: User
) -> None:
    plain = await make_user("plain", scopes=ADMIN_SCOPES)  # admin scopes, no staff role
    no_scope = await make_user("noscope")
    from roost.accounts.staff import do_set_role

    await do_set_role(roost.db, no_scope.id, "moderator")
    body = {"keys": ["new_users", "languages"], "start_at": stamp(TODAY), "end_at": stamp(TODAY)}
    for path in ("measures", "dimensions", "retention"):
        url = f"/api/v1/admin/{path}"
        r = await client.post(url, json=body, headers=plain.auth)
        assert (r.status_code, r.json()) == (403, NOT_ALLOWED), path
        r = await client.post(url, json=body, headers=no_scope.auth)
        assert r.status_code == 403, path
        assert r.json() == {"error": "This action is outside the authorized scopes"}
        assert (await client.post(url, json=body)).status_code == 401
        r = await client.post(url, json={"keys": ["new_users"]}, headers=plain.auth)
        assert r.status_code == 403, path  # the role is checked before the parameters
        r = await client.post(url, json={"keys": ["new_users"]}, headers=moderator.auth)
        assert r.status_code == 400, path
        r = await client.post(
            url, json={**body, "start_at": "yesterday-ish"}, headers=moderator.auth
        )
        assert r.status_code == 400, path
