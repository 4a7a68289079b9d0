"""The pre-4.0 /api/v1/filters, mapped onto filters of one keyword as Mastodon does."""

from __future__ import annotations

import httpx

from tests.conftest import User


async def test_v1_create_show_update_delete(client: httpx.AsyncClient, alice: User) -> None:
    r = await client.post(
        "/api/v1/filters",
        json={"phrase": "eurovision", "context": ["home", "thread"], "irreversible": True,
              "whole_word": False, "expires_in": 600},
        headers=alice.auth,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    v1 = r.json()
    assert set(v1) == {"id", "phrase", "context", "whole_word", "expires_at", "irreversible"}
    assert v1["phrase"] == "eurovision"
    assert v1["context"] == ["home", "thread"]
    assert v1["whole_word"] is False
    assert v1["irreversible"] is True
    assert v1["expires_at"].endswith("Z")
    # Underneath: a v2 filter titled by the phrase, with it as its one keyword.
    [v2] = (await client.get("/api/v2/filters", headers=alice.auth)).json()
    assert v2["title"] == "eurovision"
    assert v2["filter_action"] == "hide"
    assert v2["keywords"] == [{"id": v1["id"], "keyword": "eurovision", "whole_word": False}]
    assert (await client.get(f"/api/v1/filters/{v1['id']}", headers=alice.auth)).json() == v1
    assert (await client.get("/api/v1/filters", headers=alice.auth)).json() == [v1]

    r = await client.put(
        f"/api/v1/filters/{v1['id']}",
        json={"phrase": "song contest", "context": ["public"], "irreversible": False},
        headers=alice.auth,
    )
    assert r.status_code == 200, r.text
    assert r.json()["phrase"] == "song contest"
    assert r.json()["context"] == ["public"]
    assert r.json()["irreversible"] is False
    v2 = (await client.get(f"/api/v2/filters/{v2['id']}", headers=alice.auth)).json()
    assert v2["filter_action"] == "warn"
    assert v2["context"] == ["public"]

    r = await client.delete(f"/api/v1/filters/{v1['id']}", headers=alice.auth)
    assert r.status_code == 200
    assert r.json() == {}
    assert (await client.get("/api/v1/filters", headers=alice.auth)).json() == []
    # Mastodon's v1 delete removes the keyword only; the v2 filter stays.
    assert (await client.get(f"/api/v2/filters/{v2['id']}", headers=alice.auth)).json()[
        "keywords"
    ] == []


async def test_v1_lists_every_keyword_and_guards_shared_filters(
    client: httpx.AsyncClient, alice: User
) -> None:
    r = await client.post(
        "/api/v2/filters",
        json={"title": "two", "context": ["home"],
              "keywords_attributes": [{"keyword": "a"}, {"keyword": "b", "whole_word": False}]},
        headers=alice.auth,
    )  # fmt: skip
    a, b = r.json()["keywords"]
    listed = (await client.get("/api/v1/filters", headers=alice.auth)).json()
    assert [(f["id"], f["phrase"], f["whole_word"]) for f in listed] == [
        (a["id"], "a", True),
        (b["id"], "b", False),
    ]
    # The phrase alone may change; the shared filter's context may not (Mastodon's 422).
    r = await client.put(f"/api/v1/filters/{a['id']}", json={"phrase": "aa"}, headers=alice.auth)
    assert r.status_code == 200
    assert r.json()["phrase"] == "aa"
    r = await client.put(
        f"/api/v1/filters/{a['id']}", json={"context": ["public"]}, headers=alice.auth
    )
    assert r.status_code == 422
    assert (await client.get(f"/api/v1/filters/{a['id']}", headers=alice.auth)).json()[
        "context"
    ] == ["home"]


async def test_v1_bad_input(client: httpx.AsyncClient, alice: User) -> None:
    for body in (
        {"context": ["home"]},
        {"phrase": "", "context": ["home"]},
        {"phrase": "x"},
        {"phrase": "x", "context": ["elsewhere"]},
        {"phrase": "x" * 513, "context": ["home"]},
    ):
        r = await client.post("/api/v1/filters", json=body, headers=alice.auth)
        assert r.status_code == 422, (body, r.text)
        assert "error" in r.json()
    r = await client.post("/api/v1/filters", json={"phrase": "x", "context": ["home"],
                          "irreversible": "maybe"}, headers=alice.auth)  # fmt: skip
    assert r.status_code == 422
    assert (await client.get("/api/v1/filters", headers=alice.auth)).json() == []
    assert (await client.get("/api/v2/filters", headers=alice.auth)).json() == []
