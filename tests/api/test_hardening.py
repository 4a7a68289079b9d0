"""Issue 12's reproducers through the API: malformed input answers a 4xx with
`{"error": ...}`, never a 500, and a hidden post answers a write as a missing one does."""

from __future__ import annotations

import httpx
import pytest

from roost.http.params import MAX_JSON_DEPTH
from tests.api.test_statuses import post
from tests.conftest import User

TOO_BIG = "9223372036854775808"  # 2^63: one past SQLite's and PostgreSQL's BIGINT


def error_of(r: httpx.Response, *statuses: int) -> str:
    assert r.status_code in statuses, (r.status_code, r.text)
    error = r.json().get("error")
    assert isinstance(error, str), r.text
    return error


@pytest.mark.parametrize("value", ["%C2%B2", "%D9%A1", "%EF%BC%91", TOO_BIG, "9" * 19, "1" * 40])
async def test_path_ids_that_are_not_ids_answer_404(
    client: httpx.AsyncClient, alice: User, value: str
) -> None:
    """#1, #2: "²" passes str.isdigit() and fails int(); 2^63 overflows SQLite."""
    for path in (
        f"/api/v1/statuses/{value}",
        f"/api/v1/statuses/{value}/context",
        f"/api/v1/accounts/{value}",
        f"/api/v1/accounts/{value}/statuses",
    ):
        error_of(await client.get(path, headers=alice.auth), 404)
    for path in (f"/api/v1/statuses/{value}/favourite", f"/api/v1/accounts/{value}/follow"):
        error_of(await client.post(path, headers=alice.auth), 404)
    error_of(await client.delete(f"/api/v1/statuses/{value}", headers=alice.auth), 404)


@pytest.mark.parametrize("value", ["%C2%B2", TOO_BIG, "9999999999999999999", "-1", "1.5"])
async def test_id_parameters_that_are_not_ids_answer_400(
    client: httpx.AsyncClient, alice: User, value: str
) -> None:
    for param in ("max_id", "since_id", "min_id"):
        for path in ("/api/v1/timelines/public", "/api/v1/timelines/home"):
            error_of(await client.get(f"{path}?{param}={value}", headers=alice.auth), 400)
    r = await client.post(
        "/api/v1/statuses", data={"status": "x", "in_reply_to_id": value}, headers=alice.auth
    )
    error_of(r, 400)
    r = await client.post(
        "/api/v1/markers",
        data={"home[last_read_id]": value.replace("%C2%B2", "²")},
        headers=alice.auth,
    )
    error_of(r, 400)


async def test_id_lists_skip_what_cannot_be_ids_and_are_bounded(
    client: httpx.AsyncClient, alice: User
) -> None:
    status = await post(client, alice, "listed")
    query = f"id[]={status['id']}&id[]=%C2%B2&id[]={TOO_BIG}&id[]="
    r = await client.get(f"/api/v1/statuses?{query}", headers=alice.auth)
    assert r.status_code == 200, r.text
    assert [s["id"] for s in r.json()] == [status["id"]]
    r = await client.get(f"/api/v1/accounts/relationships?id[]=%C2%B2&id[]={TOO_BIG}",
                         headers=alice.auth)  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json() == []
    many = "&".join(f"id[]={i}" for i in range(41))
    assert "40" in error_of(await client.get(f"/api/v1/statuses?{many}"), 422)
    many = "&".join(f"id[]={i}" for i in range(81))
    error_of(await client.get(f"/api/v1/accounts/relationships?{many}", headers=alice.auth), 422)


async def test_integers_are_ascii_and_64_bit(client: httpx.AsyncClient, alice: User) -> None:
    for value in ("%C2%B2", "%D9%A1", "1_0", "99999999999999999999999999"):
        r = await client.get(f"/api/v1/accounts/search?q=a&offset={value}", headers=alice.auth)
        error_of(r, 400)
    r = await client.get("/api/v1/timelines/public?limit=99999999999999999999", headers=alice.auth)
    error_of(r, 400)
    r = await client.get("/api/v1/timelines/public?limit=999999", headers=alice.auth)
    assert r.status_code == 200  # clamped to the maximum, as before


def nested(depth: int) -> bytes:
    return b'{"status": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize(
    "path", ["/api/v1/statuses", "/api/v1/accounts/update_credentials", "/oauth/token"]
)
async def test_deep_json_answers_400(client: httpx.AsyncClient, alice: User, path: str) -> None:
    """#3: ~1,000 levels of JSON raised RecursionError in the body parser."""
    headers = {**alice.auth, "Content-Type": "application/json"}
    method = "PATCH" if "update_credentials" in path else "POST"
    for depth in (MAX_JSON_DEPTH + 1, 1000, 100_000):
        r = await client.request(method, path, content=nested(depth), headers=headers)
        assert r.status_code == 400, (depth, r.status_code, r.text)
        assert r.json()["error"]
    # Brackets inside strings are text, not depth.
    body = b'{"status": "' + b"[" * 5000 + b'"}'
    if path == "/api/v1/statuses":
        r = await client.post(path, content=body, headers=headers)
        error_of(r, 422)  # too long a post, but read


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("POST", "/api/v1/statuses", "status"),
        ("POST", "/api/v1/statuses", "spoiler_text"),
        ("PATCH", "/api/v1/accounts/update_credentials", "display_name"),
        ("PATCH", "/api/v1/accounts/update_credentials", "note"),
        ("POST", "/oauth/token", "grant_type"),
        ("POST", "/api/v1/apps", "client_name"),
    ],
)
async def test_lone_surrogates_answer_422(
    client: httpx.AsyncClient, alice: User, method: str, path: str, field: str
) -> None:
    """#4: a lone surrogate failed deep in rendering or the database."""
    headers = {**alice.auth, "Content-Type": "application/json"}
    for body in (
        b'{"%s": "x\\ud800"}' % field.encode(),
        b'{"%s": "\\udc00y"}' % field.encode(),
        b'{"x\\ud800": 1, "%s": "ok"}' % field.encode(),
    ):
        r = await client.request(method, path, content=body, headers=headers)
        if path == "/oauth/token":  # OAuth's own errors: 400 invalid_request (RFC 6749)
            assert r.status_code == 400
            assert "Unicode" in r.json()["error_description"]
        else:
            assert "Unicode" in error_of(r, 422)
    # A surrogate pair is one character, and fine.
    r = await client.post(
        "/api/v1/statuses", content=b'{"status": "\\ud83d\\ude00"}', headers=headers
    )
    assert r.status_code == 200
    assert r.json()["content"] == "<p>\U0001f600</p>"


async def test_numbers_beyond_a_float_answer_422(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    """#5: {"duration": 1e400} overflowed to infinity in mute."""
    headers = {**alice.auth, "Content-Type": "application/json"}
    for number in (b"1e400", b"-1e400", b"NaN", b"Infinity"):
        r = await client.post(
            f"/api/v1/accounts/{bob.id}/mute", content=b'{"duration": %s}' % number,
            headers=headers,
        )  # fmt: skip
        error_of(r, 422)
    r = await client.post(
        f"/api/v1/accounts/{bob.id}/mute", content=b'{"duration": 1e300}', headers=headers
    )
    error_of(r, 400)  # finite, but beyond 64 bits
    r = await client.post(f"/api/v1/accounts/{bob.id}/mute", json={"duration": 60.0},
                          headers=alice.auth)  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["muting"] is True


async def test_json_bodies_are_bounded(client: httpx.AsyncClient, alice: User) -> None:
    headers = {**alice.auth, "Content-Type": "application/json"}
    r = await client.post(
        "/api/v1/statuses", content=b'{"status": "' + b"a" * 2_000_000 + b'"}', headers=headers
    )
    error_of(r, 413)
    many = b'{"x": [' + b",".join([b"1"] * 5000) + b'], "status": "hi"}'
    error_of(await client.post("/api/v1/statuses", content=many, headers=headers), 400)


async def test_deleting_a_post_one_cannot_see_answers_404(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    """#7: a hidden post answered 403, which told that it exists."""
    hidden = await post(client, bob, "for carol only @carol", visibility="direct")
    followers = await post(client, bob, "followers only", visibility="private")
    public = await post(client, bob, "public")
    for status in (hidden, followers):
        r = await client.delete(f"/api/v1/statuses/{status['id']}", headers=alice.auth)
        assert error_of(r, 404) == "Record not found"
    missing = await client.delete("/api/v1/statuses/12345", headers=alice.auth)
    assert error_of(missing, 404) == "Record not found"
    # One they can see but may not change stays 403.
    error_of(await client.delete(f"/api/v1/statuses/{public['id']}", headers=alice.auth), 403)
    error_of(await client.delete(f"/api/v1/statuses/{hidden['id']}", headers=carol.auth), 403)
    for status in (hidden, followers, public):
        r = await client.get(f"/api/v1/statuses/{status['id']}", headers=bob.auth)
        assert r.status_code == 200  # nothing was deleted


async def test_idempotency_key_is_bounded(client: httpx.AsyncClient, alice: User) -> None:
    """#10: a 60 KB Idempotency-Key was accepted and stored."""
    for key in ("k" * 201, "k" * 60_000):
        r = await client.post("/api/v1/statuses", json={"status": "x"},
                              headers={**alice.auth, "Idempotency-Key": key})  # fmt: skip
        assert "idempotency-key" in error_of(r, 422).lower()
    headers = {**alice.auth, "Idempotency-Key": "k" * 200}
    first = await client.post("/api/v1/statuses", json={"status": "x"}, headers=headers)
    again = await client.post("/api/v1/statuses", json={"status": "x"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
