"""The web app over HTTP, as a browser without JavaScript uses it: pages, forms, CSRF,
sessions, the login rate limit, uploads, and a fixed query count for the home page."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import datetime
from typing import Any

import httpx
import pytest
from PIL import Image
from starlette.requests import HTTPConnection

from roost.emojis.queries import do_add_custom_emoji
from roost.instance import Roost
from roost.statuses.posting import NewStatus, do_post_status
from roost.web.i18n import format_date
from roost.web.session import SESSION_COOKIE, token_from_cookie, viewer_from_session
from tests.conftest import MakeUser, User

FRAGMENT = {"X-Requested-With": "roost"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)", re.IGNORECASE)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


async def csrf(client: httpx.AsyncClient) -> str:
    """A CSRF token (the page also sets the matching cookie in the client)."""
    return csrf_of((await client.get("/public")).text)


async def sign_in(client: httpx.AsyncClient, user: User | str) -> str:
    name = user if isinstance(user, str) else user.username
    token = await csrf(client)
    r = await client.post(
        "/login", data={"csrf_token": token, "username": name, "password": "password123"}
    )
    assert r.status_code == 303, r.text
    return token


async def post(client: httpx.AsyncClient, token: str, text: str, **extra: str) -> str:
    r = await client.post("/statuses", data={"csrf_token": token, "status": text, **extra})
    assert r.status_code == 303, r.text
    r = await client.get("/")
    ids = re.findall(r'data-id="(\d+)"', r.text)
    assert ids
    return str(max(ids, key=int))


def assert_safe_page(r: httpx.Response) -> None:
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert not INLINE_SCRIPT.search(r.text), "no inline script"
    assert " style=" not in r.text
    assert r.headers["x-frame-options"] == "DENY"


async def test_signed_out_pages(client: httpx.AsyncClient, alice: User) -> None:
    token = await sign_in(client, alice)
    sid = await post(client, token, "Hello #Roost")
    client.cookies.delete(SESSION_COOKIE)
    for path in ["/", "/public", "/login", "/signup", "/tags/roost", "/@alice", f"/@alice/{sid}",
                 "/@alice/with_replies", "/@alice/media"]:  # fmt: skip
        r = await client.get(path)
        assert r.status_code == 200, path
        assert_safe_page(r)
    assert "Hello" in (await client.get("/tags/roost")).text
    for path in ["/@nobody", "/@alice/123", "/@alice/abc", "/tags/no-such!tag", "/@alice/1/x"]:
        r = await client.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith(("text/html", "application/json"))


async def test_pages_that_need_a_session_redirect_to_sign_in(client: httpx.AsyncClient) -> None:
    for path in ["/notifications", "/bookmarks", "/settings/profile", "/compose"]:
        r = await client.get(path)
        assert r.status_code == 303
        assert r.headers["location"] == f"/login?next={path}"
    r = await client.get("/home/new?since_id=1")
    assert r.status_code == 401


async def test_sign_up_signs_in_with_a_secure_cookie(client: httpx.AsyncClient) -> None:
    token = await csrf(client)
    form = {"csrf_token": token, "username": "dora", "email": "dora@example.com",
            "password": "password123", "agreement": "1"}  # fmt: skip
    r = await client.post("/signup", data=form)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    r = await client.get("/")
    assert 'id="compose-text"' in r.text
    assert "@dora" in r.text


async def test_sign_up_errors_are_shown_beside_fields(
    client: httpx.AsyncClient, alice: User
) -> None:
    token = await csrf(client)
    form = {"csrf_token": token, "username": "no way", "email": "bad", "password": "short"}
    r = await client.post("/signup", data=form)
    assert r.status_code == 422
    assert "Use only letters, numbers and underscores." in r.text
    assert "This is not a valid email address." in r.text
    assert "Passwords have at least 8 characters." in r.text
    assert "Please accept the server rules." in r.text
    assert 'aria-invalid="true"' in r.text
    assert 'value="no way"' in r.text
    form = {"csrf_token": token, "username": "Alice", "email": "a2@example.com",
            "password": "password123", "agreement": "1"}  # fmt: skip
    r = await client.post("/signup", data=form)
    assert r.status_code == 422
    assert "This username is already taken." in r.text
    assert SESSION_COOKIE not in client.cookies


async def test_sign_up_when_closed(client: httpx.AsyncClient, roost: Roost) -> None:
    roost.settings = dataclasses.replace(roost.settings, registrations="closed")
    assert (await client.get("/signup")).status_code == 403
    form = {"csrf_token": await csrf(client), "username": "eve", "email": "e@example.com",
            "password": "password123", "agreement": "1"}  # fmt: skip
    r = await client.post("/signup", data=form)
    assert r.status_code == 403
    assert SESSION_COOKIE not in client.cookies


async def test_sign_up_with_approval(client: httpx.AsyncClient, roost: Roost) -> None:
    roost.settings = dataclasses.replace(roost.settings, registrations="approval")
    assert 'name="reason"' in (await client.get("/signup")).text
    form = {"csrf_token": await csrf(client), "username": "fred", "email": "f@example.com",
            "password": "password123", "agreement": "1"}  # fmt: skip
    r = await client.post("/signup", data=form)
    assert r.status_code == 422
    assert "Tell the moderators why you want to join." in r.text
    r = await client.post("/signup", data={**form, "reason": "I like birds"})
    assert r.status_code == 200
    assert "The moderators will review your request." in r.text
    assert SESSION_COOKIE not in client.cookies
    login = {"csrf_token": form["csrf_token"], "username": "fred", "password": "password123"}
    r = await client.post("/login", data=login)
    assert r.status_code == 403
    assert "waiting for approval" in r.text


async def test_sign_out_revokes_the_token(client: httpx.AsyncClient, alice: User) -> None:
    token = await sign_in(client, alice)
    session = token_from_cookie("test-secret-key", client.cookies[SESSION_COOKIE])
    assert session is not None
    bearer = {"Authorization": f"Bearer {session}"}
    r = await client.get("/api/v1/accounts/verify_credentials", headers=bearer)
    assert r.json()["username"] == "alice"
    r = await client.post("/logout", data={"csrf_token": token})
    assert r.status_code == 303
    assert SESSION_COOKIE not in client.cookies
    r = await client.get("/api/v1/accounts/verify_credentials", headers=bearer)
    assert r.status_code == 401
    assert 'href="/signup"' in (await client.get("/")).text


async def test_forged_session_cookie_is_ignored(client: httpx.AsyncClient, alice: User) -> None:
    await sign_in(client, alice)
    value = client.cookies[SESSION_COOKIE]
    client.cookies.set(SESSION_COOKIE, value[:-3] + "AAA")
    assert (await client.get("/notifications")).status_code == 303
    client.cookies.set(SESSION_COOKIE, alice.token + ".forged")
    assert (await client.get("/notifications")).status_code == 303


async def test_viewer_from_session(client: httpx.AsyncClient, roost: Roost, alice: User) -> None:
    await sign_in(client, alice)
    app = client._transport.app  # type: ignore[attr-defined]  # httpx.ASGITransport
    headers = [(b"cookie", f"{SESSION_COOKIE}={client.cookies[SESSION_COOKIE]}".encode())]
    conn = HTTPConnection({"type": "http", "headers": headers, "app": app})
    viewer = await viewer_from_session(conn)
    assert viewer is not None
    assert viewer.account_id == alice.id
    assert {"read", "write", "follow"} <= viewer.scopes
    empty = HTTPConnection({"type": "http", "headers": [], "app": app})
    assert await viewer_from_session(empty) is None


async def test_login_errors_and_rate_limit(client: httpx.AsyncClient, alice: User) -> None:
    token = await csrf(client)
    form = {"csrf_token": token, "username": "alice", "password": "wrong-password"}
    r = await client.post("/login", data=form)
    assert r.status_code == 422
    assert "Wrong username, email or password." in r.text
    for _ in range(9):
        await client.post("/login", data=form)
    r = await client.post("/login", data={**form, "password": "password123"})
    assert r.status_code == 429
    assert SESSION_COOKIE not in client.cookies


async def test_login_goes_back_only_to_local_pages(client: httpx.AsyncClient, alice: User) -> None:
    for target, expected in [("/@alice", "/@alice"), ("//evil.example", "/"),
                             ("https://evil.example/", "/"), ("/\\evil.example", "/")]:  # fmt: skip
        client.cookies.clear()
        form = {"csrf_token": await csrf(client), "username": "alice",
                "password": "password123", "next": target}  # fmt: skip
        r = await client.post("/login", data=form)
        assert r.headers["location"] == expected


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/statuses", {"status": "hi"}),
        ("/logout", {}),
        ("/@bob/follow", {}),
        ("/settings/preferences", {"locale": "fr", "privacy": "public"}),
        ("/login", {"username": "alice", "password": "password123"}),
    ],
)
async def test_every_form_needs_the_csrf_token(
    client: httpx.AsyncClient, alice: User, bob: User, path: str, data: dict[str, str]
) -> None:
    token = await sign_in(client, alice)
    assert (await client.post(path, data=data)).status_code == 403
    assert (await client.post(path, data={**data, "csrf_token": "x.y"})).status_code == 403
    transport = client._transport  # the app's ASGITransport
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as stranger:
        other = csrf_of((await stranger.get("/login")).text)
    assert other != token
    r = await client.post(path, data={**data, "csrf_token": other})
    assert r.status_code == 403, "a token must match this browser's cookie"


async def test_post_reply_and_thread(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    first = await post(client, await sign_in(client, bob), "The first post")
    client.cookies.clear()
    token = await sign_in(client, alice)
    r = await client.get(f"/@bob/{first}")
    assert 'name="in_reply_to_id"' in r.text
    assert ">@bob </textarea>" in r.text  # the reply mentions the author
    reply = await post(client, token, "@bob a reply", in_reply_to_id=first, next=f"/@bob/{first}")
    r = await client.get(f"/@bob/{first}")
    assert "The first post" in r.text
    assert f'id="s-{reply}"' in r.text
    r = await client.get(f"/@alice/{reply}")
    assert f'id="s-{first}"' in r.text  # the thread above
    r = await client.get(f"/@carol/{reply}")
    assert r.status_code == 303
    assert r.headers["location"] == f"/@alice/{reply}"
    assert "a reply" not in (await client.get("/@alice")).text  # posts tab: no replies
    assert "a reply" in (await client.get("/@alice/with_replies")).text


async def test_compose_errors_keep_the_text(client: httpx.AsyncClient, alice: User) -> None:
    token = await sign_in(client, alice)
    r = await client.post("/statuses", data={"csrf_token": token, "status": "   "})
    assert r.status_code == 422
    assert "the post is empty" in r.text
    r = await client.post("/statuses", data={"csrf_token": token, "status": "long " * 200})
    assert r.status_code == 422
    assert "long long" in r.text
    data = {"csrf_token": token, "status": "x", "visibility": "everyone"}
    assert (await client.post("/statuses", data=data)).status_code == 422
    data = {"csrf_token": token, "status": "x", "in_reply_to_id": "999"}
    assert (await client.post("/statuses", data=data)).status_code == 404


async def test_compose_is_idempotent(client: httpx.AsyncClient, alice: User) -> None:
    token = await sign_in(client, alice)
    data = {"csrf_token": token, "status": "once", "idempotency_key": "k1"}
    for _ in range(2):
        assert (await client.post("/statuses", data=data)).status_code == 303
    assert (await client.get("/@alice")).text.count("once</p>") == 1


async def _flags(client: httpx.AsyncClient, user: User, sid: str) -> dict[str, Any]:
    r = await client.get(f"/api/v1/statuses/{sid}", headers=user.auth)
    body: dict[str, Any] = r.json()
    return body


async def test_buttons_work_as_forms_and_in_place(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    sid = await post(client, await sign_in(client, bob), "Like me")
    client.cookies.clear()
    token = await sign_in(client, alice)
    r = await client.post(
        f"/statuses/{sid}/favourite", data={"csrf_token": token, "next": "/public"}
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/public#s-{sid}"
    assert (await _flags(client, alice, sid))["favourited"] is True
    r = await client.post(f"/statuses/{sid}/reblog", data={"csrf_token": token}, headers=FRAGMENT)
    assert r.status_code == 200
    assert r.text.startswith('<div class="actions"')
    assert f'action="/statuses/{sid}/unreblog"' in r.text
    assert f'action="/statuses/{sid}/unfavourite"' in r.text
    await client.post(f"/statuses/{sid}/bookmark", data={"csrf_token": token}, headers=FRAGMENT)
    assert "Like me" in (await client.get("/bookmarks")).text
    for action in ("unfavourite", "unreblog", "unbookmark"):
        await client.post(f"/statuses/{sid}/{action}", data={"csrf_token": token})
    flags = await _flags(client, alice, sid)
    assert (flags["favourited"], flags["reblogged"], flags["bookmarked"]) == (False, False, False)
    for path in (f"/statuses/{sid}/explode", "/statuses/abc/favourite", "/statuses/1/favourite"):
        assert (await client.post(path, data={"csrf_token": token})).status_code == 404


async def test_delete(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    theirs = await post(client, await sign_in(client, bob), "Bob's")
    client.cookies.clear()
    token = await sign_in(client, alice)
    mine = await post(client, token, "Mine")
    data = {"csrf_token": token, "next": f"/@alice/{mine}"}
    r = await client.post(f"/statuses/{mine}/delete", data=data)
    assert r.headers["location"] == "/@alice"
    assert (await client.get(f"/@alice/{mine}")).status_code == 404
    r = await client.post(f"/statuses/{theirs}/delete", data={"csrf_token": token})
    assert r.status_code == 403


async def test_follow_and_unfollow(client: httpx.AsyncClient, alice: User, locked: User) -> None:
    token = await sign_in(client, alice)
    r = await client.post("/@locked/follow", data={"csrf_token": token}, headers=FRAGMENT)
    assert "Cancel follow request" in r.text
    r = await client.post("/@locked/unfollow", data={"csrf_token": token})
    assert r.headers["location"] == "/@locked"
    assert (await client.post("/@nobody/follow", data={"csrf_token": token})).status_code == 404
    assert (await client.post("/@alice/follow", data={"csrf_token": token})).status_code == 403


async def test_custom_emojis_show_as_images(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    await do_add_custom_emoji(roost.db, "blobcat", 'https://cdn.example/blob"cat.png')
    token = await sign_in(client, alice)
    sid = await post(client, token, "So :blobcat: https://example.com/:blobcat:/x :nope:",
                     spoiler_text="<b>cw</b> :blobcat:")  # fmt: skip
    r = await client.get(f"/@alice/{sid}")
    assert_safe_page(r)
    img = ('<img class="custom-emoji" src="https://cdn.example/blob&#34;cat.png" '
           'alt=":blobcat:" title=":blobcat:"')  # fmt: skip
    assert r.text.count(img) >= 2  # in the text and in the content warning
    assert 'href="https://example.com/:blobcat:/x"' in r.text  # never inside a tag
    assert "&lt;b&gt;cw&lt;/b&gt;" in r.text  # the warning stays text
    assert ":nope:" in r.text


async def test_a_locked_account_answers_follow_requests(
    client: httpx.AsyncClient, alice: User, bob: User, locked: User
) -> None:
    for asker in ("alice", "bob"):
        token = await sign_in(client, asker)
        assert (await client.post("/@locked/follow", data={"csrf_token": token})).status_code == 303
        client.cookies.clear()
    token = await sign_in(client, locked)
    home = await client.get("/")
    assert 'href="/follow_requests"' in home.text  # in the menu of a locked account
    notes = await client.get("/notifications")
    assert "asked to follow you" in notes.text
    assert 'href="/follow_requests"' in notes.text
    r = await client.get("/follow_requests")
    assert r.status_code == 200
    assert_safe_page(r)
    assert r.text.index("@bob") < r.text.index("@alice")  # newest request first
    assert (await client.post(f"/follow_requests/{alice.id}/authorize")).status_code == 403  # CSRF
    r = await client.post(f"/follow_requests/{alice.id}/authorize", data={"csrf_token": token})
    assert r.status_code == 303
    assert r.headers["location"] == "/follow_requests"
    r = await client.post(f"/follow_requests/{bob.id}/reject", data={"csrf_token": token})
    assert r.status_code == 303
    r = await client.get("/follow_requests")
    assert "@alice" not in r.text
    assert "@bob" not in r.text
    assert "Nobody is asking to follow you." in r.text
    rel = await client.get(f"/api/v1/accounts/relationships?id[]={alice.id}&id[]={bob.id}",
                           headers=locked.auth)  # fmt: skip
    answered = [(x["followed_by"], x["requested_by"]) for x in rel.json()]
    assert answered == [(True, False), (False, False)]
    # Nothing left to answer; a bad id or action is not found.
    for path in (f"/follow_requests/{bob.id}/reject", "/follow_requests/x/authorize",
                 f"/follow_requests/{alice.id}/ignore"):  # fmt: skip
        assert (await client.post(path, data={"csrf_token": token})).status_code == 404, path
    client.cookies.clear()
    assert (await client.get("/follow_requests")).status_code in (302, 303)  # sign in first
    token = await sign_in(client, alice)
    assert 'href="/follow_requests"' not in (await client.get("/")).text  # not locked


async def test_home_shows_followed_posts_and_new_ones(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    token = await sign_in(client, alice)
    await client.post("/@bob/follow", data={"csrf_token": token})
    top = await post(client, token, "Alice here")
    client.cookies.clear()
    await post(client, await sign_in(client, bob), "Bob posts later")
    client.cookies.clear()
    await sign_in(client, alice)
    r = await client.get(f"/home/new?since_id={top}", headers=FRAGMENT)
    assert "Bob posts later" in r.text
    assert "Alice here" not in r.text
    r = await client.get("/")
    assert r.text.index("Bob posts later") < r.text.index("Alice here")
    assert 'data-stream="home"' in r.text


async def test_own_post_shows_before_the_fan_out_job_runs(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    token = await sign_in(client, alice)
    r = await client.post(
        "/statuses", data={"csrf_token": token, "status": "Just now", "next": "/"}
    )
    posted = r.headers["location"]
    assert posted.startswith("/?posted=")
    assert "Just now" in (await client.get(posted)).text  # (the feed is now built)
    post = NewStatus(text="Not fanned out yet")
    sid = await do_post_status(
        roost.db, alice.id, post, base_url="http://testserver", max_chars=500
    )
    assert "Not fanned out yet" not in (await client.get("/")).text  # the job has not run
    assert "Not fanned out yet" in (await client.get(f"/?posted={sid}")).text
    secret = NewStatus(text="Bob's secret", visibility="direct")
    other = await do_post_status(
        roost.db, bob.id, secret, base_url="http://testserver", max_chars=500
    )
    assert "Bob's secret" not in (await client.get(f"/?posted={other}")).text
    assert (await client.get("/?posted=12345")).status_code == 200


async def test_notifications_page(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    sid = await post(client, await sign_in(client, alice), "Notice me")
    client.cookies.clear()
    token = await sign_in(client, bob)
    await client.post(f"/statuses/{sid}/favourite", data={"csrf_token": token})
    await client.post("/@alice/follow", data={"csrf_token": token})
    client.cookies.clear()
    await sign_in(client, alice)
    r = await client.get("/notifications")
    assert "liked your post" in r.text
    assert "followed you" in r.text


async def test_home_page_query_count_is_fixed(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser
) -> None:
    roost.tokens.ttl = 3600  # the session's token lookup is cached; count the page itself
    reader = await make_user("reader")
    author = await make_user("author")
    await client.post(f"/api/v1/accounts/{author.id}/follow", headers=reader.auth)
    await sign_in(client, reader)

    async def count(*, cold: bool) -> tuple[int, int]:
        """Queries for one home page, with the rendered-status cache empty or warm."""
        await client.get("/")
        if cold:
            await roost.cache.clear()
        before = roost.db.query_count
        r = await client.get("/")
        return roost.db.query_count - before, r.text.count('<article class="status')

    await client.post("/api/v1/statuses", json={"status": "one"}, headers=author.auth)
    small_cold, n_small = await count(cold=True)
    small_warm, _ = await count(cold=False)
    for i in range(25):
        r = await client.post(
            "/api/v1/statuses", json={"status": f"post {i} @reader #t{i % 3}"}, headers=author.auth
        )
        if i % 4 == 0:
            await client.post(f"/api/v1/statuses/{r.json()['id']}/favourite", headers=reader.auth)
            await client.post(f"/api/v1/statuses/{r.json()['id']}/reblog", headers=reader.auth)
    large_cold, n_large = await count(cold=True)
    large_warm, _ = await count(cold=False)
    assert (n_small, n_large) == (1, 20)
    assert large_cold == small_cold, f"cold: {small_cold} queries for 1 post, {large_cold} for 20"
    assert large_warm == small_warm, f"warm: {small_warm} queries for 1 post, {large_warm} for 20"
    # session account, feed page, visibility merge, accounts, viewer flags, announcements
    # (+3 when cold)
    assert large_cold <= 9


def _png(size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(out, "PNG")
    return out.getvalue()


async def test_profile_settings_and_images(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    token = await sign_in(client, alice)
    form = {"csrf_token": token, "display_name": "Alice A.", "note": "Hi #there",
            "field_name_0": "Site", "field_value_0": "https://alice.example"}  # fmt: skip
    files = {"avatar": ("me.png", _png(), "image/png")}
    r = await client.post("/settings/profile", data=form, files=files)
    assert r.status_code == 303, r.text
    me = (await client.get("/api/v1/accounts/verify_credentials", headers=alice.auth)).json()
    assert me["display_name"] == "Alice A."
    assert me["fields"][0]["name"] == "Site"
    assert me["avatar"].startswith("http://testserver/media/accounts/avatars/")
    image = await client.get(me["avatar"].removeprefix("http://testserver"))
    assert image.status_code == 200
    assert Image.open(io.BytesIO(image.content)).size == (400, 400)
    files = {"header": ("h.txt", b"not an image", "text/plain")}
    r = await client.post("/settings/profile", data=form, files=files)
    assert r.status_code == 422
    assert "could not be used" in r.text
    r = await client.post("/settings/profile", data={**form, "remove_avatar": "1"})
    me = (await client.get("/api/v1/accounts/verify_credentials", headers=alice.auth)).json()
    assert me["avatar"].endswith("/static/avatar.png")
    assert (await client.get(image.url.path)).status_code == 404  # the old file is gone
    r = await client.post("/settings/profile", data={**form, "display_name": "x" * 31})
    assert r.status_code == 422
    big = {"avatar": ("big.png", b"x" * 21_000_000, "image/png")}
    r = await client.post("/settings/profile", data=form, files=big)
    assert r.status_code == 413


@pytest.mark.parametrize("path", ["/media/../secret_key", "/media/%2e%2e/roost.db", "/media/x.py"])
async def test_media_stays_in_its_directory(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 404


async def test_password_change(client: httpx.AsyncClient, alice: User) -> None:
    token = await sign_in(client, alice)
    data = {"csrf_token": token, "current_password": "nope", "password": "new-password-1",
            "password_confirmation": "new-password-1"}  # fmt: skip
    r = await client.post("/settings/account", data=data)
    assert r.status_code == 422
    assert "The current password is wrong." in r.text
    r = await client.post("/settings/account", data={**data, "current_password": "password123",
                                                   "password_confirmation": "other"})  # fmt: skip
    assert r.status_code == 422
    # Another browser signed in, and an app: both are signed out by the change.
    other = httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url))
    async with other:
        await sign_in(other, alice)
        assert (await other.get("/settings/account")).status_code == 200
        assert (
            await client.get("/api/v1/accounts/verify_credentials", headers=alice.auth)
        ).status_code == 200
        r = await client.post("/settings/account", data={**data, "current_password": "password123"})
        assert r.status_code == 303
        saved = await client.get(r.headers["location"])  # still signed in
        assert "Every other session and app was signed out." in saved.text
        assert (await other.get("/settings/account")).status_code in (302, 303)  # to /login
        r = await client.get("/api/v1/accounts/verify_credentials", headers=alice.auth)
        assert r.status_code == 401
    client.cookies.clear()
    form = {"csrf_token": await csrf(client), "username": "alice", "password": "new-password-1"}
    assert (await client.post("/login", data=form)).status_code == 303


async def test_language_from_header_cookie_and_setting(
    client: httpx.AsyncClient, alice: User
) -> None:
    r = await client.get("/login", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    assert '<html lang="fr">' in r.text
    data = {"csrf_token": await sign_in(client, alice), "locale": "fr", "privacy": "private"}
    assert (await client.post("/settings/preferences", data=data)).status_code == 303
    r = await client.get("/@alice", headers={"Accept-Language": "en"})
    assert '<html lang="fr">' in r.text
    joined = (await client.get("/api/v1/accounts/verify_credentials", headers=alice.auth)).json()
    assert format_date(datetime.fromisoformat(joined["created_at"][:19]), "fr") in r.text
    assert 'value="private" selected' in (await client.get("/")).text  # default visibility
    client.cookies.clear()
    await sign_in(client, alice)  # the setting comes back with the session
    assert '<html lang="fr">' in (await client.get("/")).text
    data = {"csrf_token": await csrf(client), "locale": "de", "privacy": "public"}
    assert (await client.post("/settings/preferences", data=data)).status_code == 422
    r = await client.post("/language", data={"csrf_token": await csrf(client), "locale": "xx"})
    assert r.status_code == 422


async def test_oauth_consent_skips_the_password_when_signed_in(
    client: httpx.AsyncClient, alice: User
) -> None:
    app = (await client.post("/api/v1/apps", data={"client_name": "Toot",
           "redirect_uris": "https://toot.example/cb", "scopes": "read"})).json()  # fmt: skip
    query = {"response_type": "code", "client_id": app["client_id"],
             "redirect_uri": "https://toot.example/cb", "scope": "read"}  # fmt: skip
    r = await client.get("/oauth/authorize", params=query)
    assert 'name="password"' in r.text
    await sign_in(client, alice)
    r = await client.get("/oauth/authorize", params=query)
    assert 'name="password"' not in r.text
    assert "@alice" in r.text
    data = {**query, "csrf_token": csrf_of(r.text), "decision": "authorize"}
    r = await client.post("/oauth/authorize", data=data)
    assert r.status_code == 302
    assert r.headers["location"].startswith("https://toot.example/cb?code=")
