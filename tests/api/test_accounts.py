"""Profiles through the API: one's own (verify/update credentials), others', lookup, search."""

from __future__ import annotations

from typing import Any

import httpx
import sqlalchemy as sa

from roost.accounts.tables import accounts, users
from roost.instance import Roost
from roost.timeutil import utcnow
from tests.conftest import MakeUser, User

ACCOUNT_KEYS = {
    "id", "username", "acct", "url", "uri", "display_name", "note", "avatar", "avatar_static",
    "header", "header_static", "locked", "fields", "emojis", "bot", "group", "discoverable",
    "indexable", "hide_collections", "noindex", "created_at", "last_status_at",
    "statuses_count", "followers_count", "following_count",
}  # fmt: skip


async def me(client: httpx.AsyncClient, user: User) -> dict[str, Any]:
    r = await client.get("/api/v1/accounts/verify_credentials", headers=user.auth)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def update(client: httpx.AsyncClient, user: User, **kwargs: Any) -> httpx.Response:
    return await client.patch("/api/v1/accounts/update_credentials", headers=user.auth, **kwargs)


async def test_verify_credentials(client: httpx.AsyncClient, alice: User) -> None:
    body = await me(client, alice)
    assert set(body) >= ACCOUNT_KEYS
    assert body["id"] == alice.sid
    assert body["acct"] == "alice"
    assert body["url"] == "http://testserver/@alice"
    assert body["source"]["privacy"] == "public"
    assert body["source"]["follow_requests_count"] == 0
    assert body["role"]["name"] == ""


async def test_verify_credentials_scopes(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    assert (await client.get("/api/v1/accounts/verify_credentials")).status_code == 401
    bad = {"Authorization": "Bearer nope"}
    r = await client.get("/api/v1/accounts/verify_credentials", headers=bad)
    assert r.status_code == 401
    profile = await make_user("profiled", scopes="profile")
    assert (await me(client, profile))["username"] == "profiled"
    writer = await make_user("writer", scopes="write")
    r = await client.get("/api/v1/accounts/verify_credentials", headers=writer.auth)
    assert r.status_code == 403


async def test_update_profile(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    r = await update(
        client,
        alice,
        data={
            "display_name": "Alice A.",
            "note": "Hi @bob and @nobody!\n\nSee https://example.com/a & #Birds <b>x</b>",
            "bot": "true",
            "discoverable": "false",
            "indexable": "1",
            "hide_collections": "true",
            "source[privacy]": "unlisted",
            "source[sensitive]": "true",
            "source[language]": "fr",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["display_name"] == "Alice A."
    note = body["note"]
    assert note.startswith("<p>Hi ")
    assert "</p><p>See " in note
    assert 'href="http://testserver/@bob"' in note
    assert "@nobody!" in note
    assert "/@nobody" not in note
    assert 'href="https://example.com/a"' in note
    assert 'href="http://testserver/tags/birds"' in note
    assert "&lt;b&gt;x&lt;/b&gt;" in note
    assert "<b>" not in note
    assert "&amp;" in note
    assert (body["bot"], body["discoverable"], body["indexable"]) == (True, False, True)
    assert body["hide_collections"] is True
    assert body["source"]["note"].startswith("Hi @bob")
    assert body["source"]["privacy"] == "unlisted"
    assert body["source"]["sensitive"] is True
    assert body["source"]["language"] == "fr"
    row = await roost.db.fetch_one(
        sa.select(users.c.default_visibility, users.c.default_language).where(
            users.c.account_id == alice.id
        )
    )
    assert row is not None
    assert tuple(row) == ("unlisted", "fr")
    # Unchanged keys stay; JSON bodies work too; an empty language clears it.
    r = await update(client, alice, json={"locked": True, "source": {"language": ""}})
    assert r.status_code == 200, r.text
    assert r.json()["locked"] is True
    assert r.json()["display_name"] == "Alice A."
    assert r.json()["source"]["language"] is None
    assert (await me(client, alice))["note"] == note


async def test_update_profile_rejects_bad_input(
    client: httpx.AsyncClient, alice: User, make_user: MakeUser
) -> None:
    for data, error in [
        ({"display_name": "x" * 31}, "Display name is too long (maximum is 30 characters)"),
        ({"note": "x" * 501}, "Note is too long (maximum is 500 characters)"),
        ({"source[privacy]": "direct"}, "Source privacy is not included in the list"),
        ({"source[language]": "english"}, "Source language is not included in the list"),
        ({"locked": "perhaps"}, "locked must be true or false"),
    ]:
        r = await update(client, alice, data=data)
        assert r.status_code == 422, data
        assert r.json()["error"] == f"Validation failed: {error}"
    assert (await me(client, alice))["display_name"] == ""
    r = await client.patch("/api/v1/accounts/update_credentials", data={"display_name": "x"})
    assert r.status_code == 401
    reader = await make_user("reader", scopes="read")
    r = await update(client, reader, data={"display_name": "x"})
    assert r.status_code == 403


async def test_profile_fields_in_every_style(client: httpx.AsyncClient, alice: User) -> None:
    form = {
        "fields_attributes[0][name]": "Site",
        "fields_attributes[0][value]": "https://example.com",
        "fields_attributes[1][name]": "Pronouns",
        "fields_attributes[1][value]": "she/<her>",
    }
    r = await update(client, alice, data=form)
    assert r.status_code == 200, r.text
    fields = r.json()["fields"]
    assert [f["name"] for f in fields] == ["Site", "Pronouns"]
    assert fields[0]["value"].startswith('<a href="https://example.com"')
    assert fields[1]["value"] == "she/&lt;her&gt;"
    assert r.json()["source"]["fields"][1] == {
        "name": "Pronouns",
        "value": "she/<her>",
        "verified_at": None,
    }

    json_array = {"fields_attributes": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}
    r = await update(client, alice, json=json_array)
    assert [(f["name"], f["value"]) for f in r.json()["fields"]] == [("A", "1"), ("B", "2")]

    json_dict = {
        "fields_attributes": {"0": {"name": "C", "value": "3"}, "1": {"name": "", "value": ""}}
    }
    r = await update(client, alice, json=json_dict)
    assert [(f["name"], f["value"]) for f in r.json()["fields"]] == [("C", "3")]

    # Other changes leave fields alone; an empty list clears them.
    r = await update(client, alice, json={"display_name": "A"})
    assert len(r.json()["fields"]) == 1
    r = await update(client, alice, json={"fields_attributes": []})
    assert r.json()["fields"] == []

    five = {f"fields_attributes[{i}][name]": f"n{i}" for i in range(5)}
    r = await update(client, alice, data=five)
    assert r.status_code == 422
    assert r.json()["error"] == "Validation failed: Fields is too long (maximum is 4 fields)"
    long_value = {"fields_attributes[0][name]": "n", "fields_attributes[0][value]": "v" * 256}
    assert (await update(client, alice, data=long_value)).status_code == 422


async def test_unlocking_accepts_pending_requests(
    client: httpx.AsyncClient, locked: User, alice: User
) -> None:
    r = await client.post(f"/api/v1/accounts/{locked.id}/follow", headers=alice.auth)
    assert r.json()["requested"] is True
    r = await update(client, locked, data={"locked": "false"})
    assert r.status_code == 200
    assert r.json()["followers_count"] == 1
    assert r.json()["source"]["follow_requests_count"] == 0
    r = await client.get(
        "/api/v1/accounts/relationships", params={"id[]": locked.sid}, headers=alice.auth
    )
    assert r.json()[0]["following"] is True


async def test_get_account(
    client: httpx.AsyncClient, roost: Roost, alice: User, make_user: MakeUser
) -> None:
    r = await client.get(f"/api/v1/accounts/{alice.id}")  # anonymous is fine
    assert r.status_code == 200
    assert set(r.json()) >= ACCOUNT_KEYS
    assert "source" not in r.json()
    assert (await client.get("/api/v1/accounts/123")).status_code == 404
    r = await client.get("/api/v1/accounts/abc")
    assert r.status_code == 404
    assert r.json() == {"error": "Invalid id"}
    assert (await client.get("/api/v1/accounts/" + "9" * 30)).status_code == 404
    writer = await make_user("writer", scopes="write")
    r = await client.get(f"/api/v1/accounts/{alice.id}", headers=writer.auth)
    assert r.status_code == 403  # a token without read:accounts is refused, not ignored

    await roost.db.execute(
        accounts.update().where(accounts.c.id == alice.id).values(suspended_at=utcnow())
    )
    assert (await client.get(f"/api/v1/accounts/{alice.id}")).status_code == 404
    r = await client.get("/api/v1/accounts/lookup", params={"acct": "alice"})
    assert r.status_code == 404
    assert (await client.get(f"/api/v1/accounts/{alice.id}/followers")).status_code == 404


async def test_lookup(client: httpx.AsyncClient, alice: User) -> None:
    for acct in ("alice", "ALICE", "@alice", "alice@testserver", "alice@TestServer"):
        r = await client.get("/api/v1/accounts/lookup", params={"acct": acct})
        assert r.status_code == 200, acct
        assert r.json()["id"] == alice.sid
    for acct in ("alice@elsewhere.social", "bob", "al%", "x" * 300):
        r = await client.get("/api/v1/accounts/lookup", params={"acct": acct})
        assert r.status_code == 404, acct
    assert (await client.get("/api/v1/accounts/lookup")).status_code == 422


async def test_get_multiple_accounts(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    r = await client.get(
        "/api/v1/accounts",
        params=[("id[]", bob.sid), ("id[]", "1"), ("id[]", "x"), ("id[]", alice.sid)],
    )
    assert r.status_code == 200
    assert [a["id"] for a in r.json()] == [bob.sid, alice.sid]
    r = await client.get("/api/v1/accounts", params=[("id[]", str(i)) for i in range(81)])
    assert r.status_code == 422


async def search(client: httpx.AsyncClient, user: User, q: str, **params: Any) -> list[str]:
    r = await client.get("/api/v1/accounts/search", params={"q": q, **params}, headers=user.auth)
    assert r.status_code == 200, r.text
    return [a["username"] for a in r.json()]


async def test_account_search(
    client: httpx.AsyncClient, roost: Roost, alice: User, make_user: MakeUser
) -> None:
    ann = await make_user("ann")
    anna = await make_user("anna", display_name="Anna Banana")
    await make_user("a_b")
    await make_user("zed", display_name="Mr Annotator")
    hidden = await make_user("annex")
    await roost.db.execute(
        accounts.update().where(accounts.c.id == hidden.id).values(discoverable=False)
    )
    await roost.db.execute(
        accounts.update().where(accounts.c.id == anna.id).values(followers_count=5)
    )
    # Exact match first, then the most followed; display names match by word; the
    # undiscoverable account only by its exact name.
    assert await search(client, alice, "ann") == ["ann", "anna", "zed"]
    assert await search(client, alice, "@ANN") == ["ann", "anna", "zed"]
    assert await search(client, alice, "annex") == ["annex"]
    assert await search(client, alice, "banana") == ["anna"]
    assert await search(client, alice, "a_") == ["a_b"]  # _ is not a wildcard
    assert await search(client, alice, "ann@testserver") == ["ann", "anna", "zed"]
    assert await search(client, alice, "ann@elsewhere.social") == []
    assert await search(client, alice, "") == []
    assert await search(client, alice, "ann", limit=1) == ["ann"]
    assert await search(client, alice, "ann", limit=1, offset=1) == ["anna"]
    # Followed accounts come before others, even undiscoverable ones; following=true
    # keeps only them.
    await client.post(f"/api/v1/accounts/{hidden.id}/follow", headers=alice.auth)
    assert await search(client, alice, "an") == ["annex", "anna", "ann", "zed"]
    assert await search(client, alice, "an", following="true") == ["annex"]
    # Blocks hide accounts both ways.
    await client.post(f"/api/v1/accounts/{alice.id}/block", headers=ann.auth)
    assert "ann" not in await search(client, alice, "ann")
    r = await client.get("/api/v1/accounts/search", params={"q": "ann"})
    assert r.status_code == 401
