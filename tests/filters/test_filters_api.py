"""The v2 filters API: shapes, keywords, statuses, bad input, and others' filters."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
import sqlalchemy as sa

from roost.filters.tables import filter_keywords, filter_statuses, filters
from roost.instance import Roost
from tests.conftest import MakeUser, User

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def _count(roost: Roost, table: sa.Table) -> int:
    return int(await roost.db.scalar(sa.select(sa.func.count()).select_from(table)))


async def make_filter(client: httpx.AsyncClient, user: User, **body: object) -> dict[str, Any]:
    body = {"title": "Spoilers", "context": ["home"], **body}
    r = await client.post("/api/v2/filters", json=body, headers=user.auth)
    assert r.status_code == 200, r.text
    made: dict[str, Any] = r.json()
    return made


async def test_create_show_list_update_delete(client: httpx.AsyncClient, alice: User) -> None:
    r = await client.post(
        "/api/v2/filters",
        content=urlencode([
            ("title", "test"), ("context[]", "public"), ("context[]", "home"),
            ("filter_action", "hide"), ("expires_in", "3600"),
            ("keywords_attributes[][keyword]", "foo"),
            ("keywords_attributes[][whole_word]", "false"),
            ("keywords_attributes[][keyword]", "bar"),
        ]),
        headers=FORM | alice.auth,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    made = r.json()
    assert set(made) == {"id", "title", "context", "expires_at", "filter_action", "keywords",
                         "statuses"}  # fmt: skip
    assert made["title"] == "test"
    assert made["context"] == ["public", "home"]
    assert made["filter_action"] == "hide"
    assert made["expires_at"].endswith("Z")
    # Rails groups `[]` keys: a new keyword starts where a field repeats.
    assert [(k["keyword"], k["whole_word"]) for k in made["keywords"]] == [
        ("foo", False),
        ("bar", True),
    ]
    assert made["statuses"] == []
    fid = made["id"]
    assert (await client.get(f"/api/v2/filters/{fid}", headers=alice.auth)).json() == made
    assert (await client.get("/api/v2/filters", headers=alice.auth)).json() == [made]

    foo, bar = made["keywords"]
    # Mastodon's documented example: remove one keyword, change the other.
    r = await client.put(
        f"/api/v2/filters/{fid}",
        content=urlencode([
            ("title", "renamed"), ("expires_in", ""),
            ("keywords_attributes[][id]", foo["id"]),
            ("keywords_attributes[][_destroy]", "true"),
            ("keywords_attributes[][id]", bar["id"]),
            ("keywords_attributes[][keyword]", "baz"),
        ]),
        headers=FORM | alice.auth,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    changed = r.json()
    assert changed["title"] == "renamed"
    assert changed["expires_at"] is None
    assert changed["context"] == ["public", "home"]
    assert changed["keywords"] == [{"id": bar["id"], "keyword": "baz", "whole_word": True}]

    r = await client.delete(f"/api/v2/filters/{fid}", headers=alice.auth)
    assert r.status_code == 200
    assert r.json() == {}
    assert (await client.get(f"/api/v2/filters/{fid}", headers=alice.auth)).status_code == 404
    assert (await client.get("/api/v2/filters", headers=alice.auth)).json() == []


async def test_json_keywords_attributes(client: httpx.AsyncClient, alice: User) -> None:
    made = await make_filter(
        client, alice, filter_action="warn",
        keywords_attributes=[{"keyword": "one", "whole_word": False}, {"keyword": "two"}],
    )  # fmt: skip
    assert [(k["keyword"], k["whole_word"]) for k in made["keywords"]] == [
        ("one", False),
        ("two", True),
    ]
    assert made["filter_action"] == "warn"
    assert made["expires_at"] is None


async def test_keywords_endpoints(client: httpx.AsyncClient, alice: User) -> None:
    fid = (await make_filter(client, alice))["id"]
    r = await client.post(
        f"/api/v2/filters/{fid}/keywords",
        data={"keyword": "some", "whole_word": "false"},
        headers=alice.auth,
    )
    assert r.status_code == 200, r.text
    kw = r.json()
    assert kw == {"id": kw["id"], "keyword": "some", "whole_word": False}
    listed = (await client.get(f"/api/v2/filters/{fid}/keywords", headers=alice.auth)).json()
    assert listed == [kw]
    r = await client.put(
        f"/api/v2/filters/keywords/{kw['id']}", data={"keyword": "other"}, headers=alice.auth
    )
    assert r.json() == {"id": kw["id"], "keyword": "other", "whole_word": False}
    got = await client.get(f"/api/v2/filters/keywords/{kw['id']}", headers=alice.auth)
    assert got.json()["keyword"] == "other"
    r = await client.delete(f"/api/v2/filters/keywords/{kw['id']}", headers=alice.auth)
    assert r.status_code == 200
    assert r.json() == {}
    assert (await client.get(f"/api/v2/filters/{fid}/keywords", headers=alice.auth)).json() == []


async def test_statuses_endpoints(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    fid = (await make_filter(client, alice))["id"]
    sid = (await client.post("/api/v1/statuses", json={"status": "hi"}, headers=bob.auth)).json()[
        "id"
    ]
    r = await client.post(
        f"/api/v2/filters/{fid}/statuses", data={"status_id": sid}, headers=alice.auth
    )
    assert r.status_code == 200, r.text
    fs = r.json()
    assert fs == {"id": fs["id"], "status_id": sid}
    again = await client.post(
        f"/api/v2/filters/{fid}/statuses", data={"status_id": sid}, headers=alice.auth
    )
    assert again.status_code == 422
    assert (await client.get(f"/api/v2/filters/{fid}/statuses", headers=alice.auth)).json() == [fs]
    assert (
        await client.get(f"/api/v2/filters/statuses/{fs['id']}", headers=alice.auth)
    ).json() == fs
    shown = (await client.get(f"/api/v2/filters/{fid}", headers=alice.auth)).json()
    assert shown["statuses"] == [fs]
    r = await client.delete(f"/api/v2/filters/statuses/{fs['id']}", headers=alice.auth)
    assert r.status_code == 200
    assert r.json() == {}
    assert (await client.get(f"/api/v2/filters/{fid}/statuses", headers=alice.auth)).json() == []


async def test_a_status_one_may_not_see_cannot_be_filtered(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    fid = (await make_filter(client, alice))["id"]
    direct = await client.post(
        "/api/v1/statuses", json={"status": "secret", "visibility": "direct"}, headers=bob.auth
    )
    for status_id in (direct.json()["id"], "123456789", ""):
        r = await client.post(
            f"/api/v2/filters/{fid}/statuses", data={"status_id": status_id}, headers=alice.auth
        )
        assert r.status_code == 422, r.text
    assert await _count_rows(client, alice, fid) == 0


async def _count_rows(client: httpx.AsyncClient, user: User, fid: str) -> int:
    return len((await client.get(f"/api/v2/filters/{fid}/statuses", headers=user.auth)).json())


async def test_bad_input_is_422_and_stores_nothing(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    bad = [
        {"title": "", "context": ["home"]},
        {"title": "   ", "context": ["home"]},
        {"title": "x" * 257, "context": ["home"]},
        {"title": "t"},
        {"title": "t", "context": []},
        {"title": "t", "context": ["home", "timeline"]},
        {"title": "t", "context": ["home"], "filter_action": "delete"},
        {"title": "t", "context": ["home"], "expires_in": -5},
        {"title": "t", "context": ["home"], "keywords_attributes": [{"keyword": "k" * 513}]},
        {"title": "t", "context": ["home"],
         "keywords_attributes": [{"keyword": "a"}, {"keyword": "", "whole_word": True}]},
        {"title": "t", "context": [{"a": 1}]},
    ]  # fmt: skip
    for body in bad:
        r = await client.post("/api/v2/filters", json=body, headers=alice.auth)
        assert r.status_code == 422, (body, r.text)
        assert isinstance(r.json()["error"], str)
    r = await client.post(
        "/api/v2/filters",
        json={
            "title": "t",
            "context": ["home"],
            "keywords_attributes": [{"id": "1", "keyword": "a"}],
        },
        headers=alice.auth,
    )
    assert r.status_code == 404
    r = await client.post("/api/v2/filters", json={"title": "t", "context": ["home"],
                          "expires_in": "soon"}, headers=alice.auth)  # fmt: skip
    assert r.status_code == 400
    for table in (filters, filter_keywords, filter_statuses):
        assert await _count(roost, table) == 0

    fid = (await make_filter(client, alice, keywords_attributes=[{"keyword": "keep"}]))["id"]
    unknown_keyword = {"keywords_attributes": [{"keyword": "new"}, {"id": "999", "keyword": "y"}]}
    for body in ({"title": ""}, {"context": ["nowhere"]}, {"filter_action": "x"}, unknown_keyword):
        r = await client.put(f"/api/v2/filters/{fid}", json=body, headers=alice.auth)
        assert r.status_code in (404, 422), (body, r.text)
    shown = (await client.get(f"/api/v2/filters/{fid}", headers=alice.auth)).json()
    assert shown["title"] == "Spoilers"
    assert shown["context"] == ["home"]
    assert [k["keyword"] for k in shown["keywords"]] == ["keep"]
    r = await client.post(f"/api/v2/filters/{fid}/keywords", data={"keyword": " "},
                          headers=alice.auth)  # fmt: skip
    assert r.status_code == 422
    assert await _count(roost, filter_keywords) == 1


async def test_another_users_filter_is_not_found(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    made = await make_filter(client, alice, keywords_attributes=[{"keyword": "mine"}])
    fid, kid = made["id"], made["keywords"][0]["id"]
    sid = (await client.post("/api/v1/statuses", json={"status": "x"}, headers=bob.auth)).json()[
        "id"
    ]
    fs = (
        await client.post(
            f"/api/v2/filters/{fid}/statuses", data={"status_id": sid}, headers=alice.auth
        )
    ).json()
    for method, url in [
        ("GET", f"/api/v2/filters/{fid}"),
        ("PUT", f"/api/v2/filters/{fid}"),
        ("DELETE", f"/api/v2/filters/{fid}"),
        ("GET", f"/api/v2/filters/{fid}/keywords"),
        ("POST", f"/api/v2/filters/{fid}/keywords"),
        ("GET", f"/api/v2/filters/keywords/{kid}"),
        ("PUT", f"/api/v2/filters/keywords/{kid}"),
        ("DELETE", f"/api/v2/filters/keywords/{kid}"),
        ("GET", f"/api/v2/filters/{fid}/statuses"),
        ("POST", f"/api/v2/filters/{fid}/statuses"),
        ("GET", f"/api/v2/filters/statuses/{fs['id']}"),
        ("DELETE", f"/api/v2/filters/statuses/{fs['id']}"),
        ("GET", f"/api/v1/filters/{kid}"),
        ("PUT", f"/api/v1/filters/{kid}"),
        ("DELETE", f"/api/v1/filters/{kid}"),
    ]:
        body = {"keyword": "theirs", "title": "theirs", "status_id": sid, "phrase": "x"}
        r = await client.request(method, url, json=body, headers=bob.auth)
        assert r.status_code == 404, (method, url, r.text)
        assert r.json() == {"error": "Record not found"}
    assert (await client.get("/api/v2/filters", headers=bob.auth)).json() == []
    assert (await client.get(f"/api/v2/filters/{fid}", headers=alice.auth)).json() == made | {
        "statuses": [fs]
    }


async def test_scopes(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    reader = await make_user("reader", scopes="read:filters")
    writer = await make_user("writer", scopes="write:filters")
    r = await client.post("/api/v2/filters", json={"title": "t", "context": ["home"]},
                          headers=reader.auth)  # fmt: skip
    assert r.status_code == 403
    r = await client.post("/api/v2/filters", json={"title": "t", "context": ["home"]},
                          headers=writer.auth)  # fmt: skip
    assert r.status_code == 200
    assert (await client.get("/api/v2/filters", headers=writer.auth)).status_code == 403
    assert (await client.get("/api/v2/filters", headers=reader.auth)).json() == []
    assert (await client.get("/api/v2/filters")).status_code == 401
