"""Issue 12's reproducers on the web pages: ids that cannot be ids answer an HTML 404, and
the profile form is all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from roost.errors import Busy
from roost.instance import Roost
from roost.web.views import settings as settings_views
from tests.conftest import User
from tests.web.test_pages import _png, sign_in

NOT_IDS = ["%C2%B2", "%D9%A1", "9223372036854775808", "99999999999999999999"]


@pytest.mark.parametrize("value", NOT_IDS)
async def test_pages_answer_404_html_for_ids_that_are_not_ids(
    client: httpx.AsyncClient, alice: User, value: str
) -> None:
    """#1: `GET /@alice/%C2%B2` answered a JSON 500 on a web page."""
    for path in (f"/@alice/{value}", f"/@alice/{value}/reblogs"):
        r = await client.get(path)
        if r.status_code == 404 and "text/html" not in r.headers["content-type"]:
            continue  # a path no page has: the API's JSON 404
        assert r.status_code == 404, (path, r.status_code)
        assert r.headers["content-type"].startswith("text/html")
    token = await sign_in(client, alice)
    for path in (f"/statuses/{value}/favourite", f"/statuses/{value}/delete"):
        r = await client.post(path, data={"csrf_token": token})
        assert r.status_code == 404, (path, r.status_code)
        assert r.headers["content-type"].startswith("text/html")
    for path in (f"/public?max_id={value}", f"/@alice?max_id={value}", f"/?max_id={value}"):
        r = await client.get(path)
        assert r.status_code == 200, (path, r.status_code)  # not an id: the first page


def _media(roost: Roost) -> set[Path]:
    return {p for p in (roost.settings.data_dir / "media").rglob("*") if p.is_file()}


async def _profile(client: httpx.AsyncClient, user: User) -> dict[str, Any]:
    r = await client.get("/api/v1/accounts/verify_credentials", headers=user.auth)
    body: dict[str, Any] = r.json()
    return body


@pytest.mark.parametrize(
    ("change", "files"),
    [
        ({}, {"avatar": ("me.png", _png(), "image/png"), "header": ("h.png", b"no",
                                                                    "image/png")}),
        ({}, {"avatar": ("me.png", b"\x89PNG\r\n", "image/png"), "header": ("h.png", _png(),
                                                                          "image/png")}),
        ({"display_name": "x" * 31}, {"avatar": ("me.png", _png(), "image/png"),
                                      "header": ("h.png", _png(), "image/png")}),
        ({"field_value_1": "v" * 256}, {"avatar": ("me.png", _png(), "image/png")}),
    ],
    ids=["bad header", "bad avatar", "long name", "long field"],
)  # fmt: skip
async def test_profile_form_stores_nothing_when_a_part_is_rejected(
    client: httpx.AsyncClient,
    roost: Roost,
    alice: User,
    change: dict[str, str],
    files: dict[str, Any],
) -> None:
    """#6: the form saved name, note, fields and a new avatar, then rejected the header."""
    token = await sign_in(client, alice)
    first = {"csrf_token": token, "display_name": "Alice", "note": "Before",
             "field_name_0": "Site", "field_value_0": "https://a.example"}  # fmt: skip
    r = await client.post(
        "/settings/profile", data=first, files={"avatar": ("a.png", _png(), "image/png")}
    )
    assert r.status_code == 303
    before, stored = await _profile(client, alice), _media(roost)
    form = {**first, "display_name": "Changed", "note": "After", "locked": "1",
            "field_value_0": "https://b.example", **change}  # fmt: skip
    r = await client.post("/settings/profile", data=form, files=files)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    assert await _profile(client, alice) == before
    assert _media(roost) == stored


async def test_profile_form_removes_its_files_when_the_write_fails(
    client: httpx.AsyncClient, roost: Roost, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = await sign_in(client, alice)
    before, stored = await _profile(client, alice), _media(roost)

    async def busy(*args: Any, **kwargs: Any) -> None:
        raise Busy("The database is busy")

    monkeypatch.setattr(settings_views, "do_update_credentials", busy)
    files = {"avatar": ("a.png", _png(), "image/png"), "header": ("h.png", _png(), "image/png")}
    r = await client.post(
        "/settings/profile", data={"csrf_token": token, "display_name": "New"}, files=files
    )
    assert r.status_code == 503
    assert await _profile(client, alice) == before
    assert _media(roost) == stored


async def test_profile_form_saves_everything_together(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    token = await sign_in(client, alice)
    files = {"avatar": ("a.png", _png(), "image/png"), "header": ("h.png", _png(), "image/png")}
    form = {"csrf_token": token, "display_name": "Both", "note": "Note"}
    assert (await client.post("/settings/profile", data=form, files=files)).status_code == 303
    me = await _profile(client, alice)
    assert me["display_name"] == "Both"
    old = [me["avatar"], me["header"]]
    assert all("/media/accounts/" in url for url in old)
    r = await client.post("/settings/profile", data={**form, "remove_header": "1"},
                          files={"avatar": ("b.png", _png(), "image/png")})  # fmt: skip
    assert r.status_code == 303
    me = await _profile(client, alice)
    assert me["avatar"] != old[0]
    assert "/media/" not in me["header"]
    for url in old:  # the replaced files are gone
        assert (await client.get(url.removeprefix("http://testserver"))).status_code == 404
    assert (await client.get(me["avatar"].removeprefix("http://testserver"))).status_code == 200
