"""The instance's own pages through the API: texts, activity, peers and NodeInfo."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import httpx

from roost.about.actions import do_set_texts
from roost.about.queries import week_starts
from roost.instance import Roost
from roost.timeutil import utcnow
from tests.conftest import MakeUser


async def test_extended_description_is_empty_until_written(
    client: httpx.AsyncClient, roost: Roost
) -> None:
    r = await client.get("/api/v1/instance/extended_description")
    assert r.status_code == 200
    assert r.json() == {"updated_at": None, "content": ""}
    await do_set_texts(roost.db, {"extended_description": "# Hello\n\nA *small* <b>place</b>."})
    body = (await client.get("/api/v1/instance/extended_description")).json()
    assert body["content"] == (
        "<h1>Hello</h1>\n<p>A <em>small</em> &lt;b&gt;place&lt;/b&gt;.</p>\n"
    )
    assert body["updated_at"].endswith("Z")


async def test_privacy_policy_has_a_default_and_can_be_replaced(
    client: httpx.AsyncClient, roost: Roost
) -> None:
    body = (await client.get("/api/v1/instance/privacy_policy")).json()
    assert set(body) == {"updated_at", "content"}
    assert body["content"].startswith("<p>This server keeps what it needs")
    await do_set_texts(roost.db, {"privacy_policy": "We keep [nothing](javascript:alert(1))."})
    body = (await client.get("/api/v1/instance/privacy_policy")).json()
    assert "javascript" not in body["content"].replace("(javascript:alert(1))", "")
    assert body["content"].startswith("<p>We keep")


async def test_terms_of_service_versions(client: httpx.AsyncClient, roost: Roost) -> None:
    assert (await client.get("/api/v1/instance/terms_of_service")).status_code == 404
    today = utcnow().date()
    old, upcoming = today - timedelta(days=30), today + timedelta(days=10)
    await do_set_texts(roost.db, {}, ("Old **terms**", old))
    await do_set_texts(roost.db, {}, ("New terms", upcoming))
    body = (await client.get("/api/v1/instance/terms_of_service")).json()
    assert body == {
        "effective_date": old.isoformat(),
        "effective": True,
        "content": "<p>Old <strong>terms</strong></p>\n",
        "succeeded_by": upcoming.isoformat(),
    }
    r = await client.get(f"/api/v1/instance/terms_of_service/{upcoming.isoformat()}")
    assert r.json()["effective"] is False
    assert r.json()["succeeded_by"] is None
    assert (await client.get("/api/v1/instance/terms_of_service/2001-01-01")).status_code == 404
    r = await client.get("/api/v1/instance/terms_of_service/not-a-date")
    assert r.status_code == 404
    assert r.json() == {"error": "Record not found"}


async def test_only_upcoming_terms_are_shown_until_they_take_effect(
    client: httpx.AsyncClient, roost: Roost
) -> None:
    upcoming = date.today() + timedelta(days=3)
    await do_set_texts(roost.db, {}, ("Soon", upcoming))
    body = (await client.get("/api/v1/instance/terms_of_service")).json()
    assert body["effective_date"] == upcoming.isoformat()
    assert body["effective"] is False


async def test_activity_counts_weeks_from_real_data(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser
) -> None:
    ann = await make_user("ann")
    await make_user("ben")
    for text in ("one", "two", "three"):
        r = await client.post("/api/v1/statuses", data={"status": text}, headers=ann.auth)
        assert r.status_code == 200
    r = await client.get("/api/v1/instance/activity")
    assert r.status_code == 200
    weeks = r.json()
    assert len(weeks) == 12
    assert all(set(w) == {"week", "statuses", "logins", "registrations"} for w in weeks)
    assert all(isinstance(v, str) for w in weeks for v in w.values())
    assert weeks[0] == {
        "week": str(calendar.timegm(week_starts(utcnow())[0].timetuple())),
        "statuses": "3",
        "logins": "2",  # each got a token: a sign-in
        "registrations": "2",
    }
    assert int(weeks[0]["week"]) - int(weeks[1]["week"]) == 7 * 86400
    assert all(w["statuses"] == "0" for w in weeks[1:])


async def test_peers_is_empty_without_federation(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/instance/peers")
    assert r.status_code == 200
    assert r.json() == []


async def test_nodeinfo(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    ann = await make_user("ann")
    await client.post("/api/v1/statuses", data={"status": "hi"}, headers=ann.auth)
    links = (await client.get("/.well-known/nodeinfo")).json()
    assert links == {
        "links": [
            {
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                "href": "http://testserver/nodeinfo/2.0",
            }
        ]
    }
    body = (await client.get("/nodeinfo/2.0")).json()
    assert body["version"] == "2.0"
    assert body["software"]["name"] == "roost"
    assert body["protocols"] == []
    assert body["services"] == {"outbound": [], "inbound": []}
    assert body["usage"] == {
        "users": {"total": 1, "activeMonth": 1, "activeHalfyear": 1},
        "localPosts": 1,
    }
    assert body["openRegistrations"] is True
    assert set(body["metadata"]) == {"nodeName", "nodeDescription"}


async def test_v2_instance_links_the_pages(client: httpx.AsyncClient, roost: Roost) -> None:
    urls = (await client.get("/api/v2/instance")).json()["configuration"]["urls"]
    assert urls["about"] == "http://testserver/about"
    assert urls["privacy_policy"] == "http://testserver/privacy-policy"
    assert urls["terms_of_service"] is None
    await do_set_texts(roost.db, {}, ("Terms", date(2020, 1, 1)))
    urls = (await client.get("/api/v2/instance")).json()["configuration"]["urls"]
    assert urls["terms_of_service"] == "http://testserver/terms"
