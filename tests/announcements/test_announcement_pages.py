"""Announcements and the instance's texts on the web: the staff's pages (and who may
use them), announcements on home with dismiss and reactions, the public text pages."""

from __future__ import annotations

import re

import httpx

from roost.instance import Roost
from tests.conftest import MakeUser, User
from tests.web.test_pages import assert_safe_page, sign_in


async def test_only_staff_with_the_permission_may_write(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    await make_user("mod", role="moderator")  # moderators manage reports, not these
    await make_user("plain")
    for name in ("plain", "mod"):
        client.cookies.clear()
        token = await sign_in(client, name)
        for path in ("/admin/settings/about", "/admin/announcements"):
            r = await client.get(path)
            assert r.status_code == 403, (name, path)
            assert_safe_page(r)
        r = await client.post("/admin/announcements", data={"csrf_token": token, "text": "x"})
        assert r.status_code == 403
        r = await client.post(
            "/admin/settings/about",
            data={"csrf_token": token, "extended_description": "x", "terms_date": "2026-01-01"},
        )
        assert r.status_code == 403
    client.cookies.clear()
    assert (await client.get("/admin/announcements")).status_code == 303  # to sign in


async def test_admin_writes_the_texts_and_everyone_reads_them(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    await make_user("boss", admin=True)
    token = await sign_in(client, "boss")
    page = await client.get("/admin/settings/about")
    assert page.status_code == 200
    assert_safe_page(page)
    form = {"csrf_token": token, "extended_description": "We **like** birds.",
            "privacy_policy": "", "terms_of_service": "Be *nice*.",
            "terms_date": "2020-01-01"}  # fmt: skip
    r = await client.post("/admin/settings/about", data=form)
    assert r.status_code == 303
    assert "We **like** birds." in (await client.get("/admin/settings/about")).text
    r = await client.post("/admin/settings/about", data={**form, "terms_date": "soon"})
    assert r.status_code == 422
    assert "Give the date the terms take effect." in r.text
    client.cookies.clear()
    about = await client.get("/about")
    assert "<strong>like</strong>" in about.text
    assert_safe_page(about)
    assert "<em>nice</em>" in (await client.get("/terms")).text
    assert "Privacy policy" in (await client.get("/privacy-policy")).text
    assert 'href="/terms"' in (await client.get("/signup")).text
    api = (await client.get("/api/v1/instance/terms_of_service")).json()
    assert api["effective_date"] == "2020-01-01"


async def test_terms_page_without_terms(client: httpx.AsyncClient) -> None:
    assert (await client.get("/terms")).status_code == 404


async def test_announce_then_dismiss_and_react_on_home(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, alice: User
) -> None:
    await make_user("boss", admin=True)
    token = await sign_in(client, "boss")
    r = await client.post("/admin/announcements", data={"csrf_token": token, "text": "  "})
    assert r.status_code == 422
    assert "Text can&#39;t be blank" in r.text
    r = await client.post(
        "/admin/announcements",
        data={"csrf_token": token, "text": "x", "starts_at": "2026-01-01T10:00"},
    )
    assert r.status_code == 422
    r = await client.post(
        "/admin/announcements", data={"csrf_token": token, "text": "Draft", "publish": ""}
    )
    assert r.status_code == 303
    r = await client.post(
        "/admin/announcements",
        data={"csrf_token": token, "text": "Maintenance on Sunday", "publish": "1"},
    )
    assert r.status_code == 303
    listing = await client.get("/admin/announcements")
    assert_safe_page(listing)
    ids = re.findall(r"/admin/announcements/(\d+)/edit", listing.text)
    assert len(ids) == 2
    newest, draft = ids
    edit = await client.get(f"/admin/announcements/{newest}/edit")
    assert "Maintenance on Sunday" in edit.text

    client.cookies.clear()
    token = await sign_in(client, alice)
    home = await client.get("/")
    assert "Maintenance on Sunday" in home.text
    assert "Draft" not in home.text
    r = await client.post(f"/announcements/{newest}/react",
                          data={"csrf_token": token, "name": "🎉", "next": "/"})  # fmt: skip
    assert r.status_code == 303
    (a,) = (await client.get("/api/v1/announcements", headers=alice.auth)).json()
    assert a["reactions"] == [{"name": "🎉", "count": 1, "me": True}]
    r = await client.post(f"/announcements/{newest}/react",
                          data={"csrf_token": token, "name": "nope"})  # fmt: skip
    assert r.status_code == 422
    r = await client.post(f"/announcements/{draft}/dismiss", data={"csrf_token": token})
    assert r.status_code == 404
    r = await client.post(f"/announcements/{newest}/dismiss",
                          data={"csrf_token": token, "next": "//evil.example"})  # fmt: skip
    assert r.status_code == 303
    assert r.headers["location"] == "/"
    assert "Maintenance on Sunday" not in (await client.get("/")).text

    client.cookies.clear()
    token = await sign_in(client, "boss")
    form = {"csrf_token": token, "text": "Moved to Monday", "publish": "1"}
    r = await client.post(f"/admin/announcements/{newest}/edit", data=form)
    assert r.status_code == 303
    r = await client.post(f"/admin/announcements/{draft}/delete", data={"csrf_token": token})
    assert r.status_code == 303
    listing = await client.get("/admin/announcements")
    assert "Moved to Monday" in listing.text
    assert "Draft" not in listing.text
