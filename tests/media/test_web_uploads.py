"""The compose box's uploads without a browser: POST /uploads (session and CSRF token),
removing one, and a post naming its uploads with their alt text."""

from __future__ import annotations

import httpx
import sqlalchemy as sa

from roost.instance import Roost
from roost.media.tables import media_attachments
from tests.conftest import User
from tests.media.conftest import png, stored_keys
from tests.web.test_pages import sign_in


async def _upload(client: httpx.AsyncClient, token: str, name: str, data: bytes) -> httpx.Response:
    return await client.post(
        "/uploads", data={"csrf_token": token}, files={"file": (name, data, "image/png")}
    )


async def test_upload_then_post_with_alt_text(
    client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    token = await sign_in(client, alice)
    first = await _upload(client, token, "a.png", png())
    assert first.status_code == 200, first.text
    body = first.json()
    assert set(body) == {"id", "type", "preview_url"}
    assert body["type"] == "image"
    second = (await _upload(client, token, "b.png", png((30, 30)))).json()
    removed = await client.post(f"/uploads/{second['id']}/delete", data={"csrf_token": token})
    assert removed.status_code == 200
    assert len(await stored_keys(media_roost.media_storage)) == 2  # the first's two files

    posted = await client.post(
        "/statuses",
        data={"csrf_token": token, "status": "With a picture", "media_ids": body["id"],
              f"media_description_{body['id']}": "A green square", "next": "/@alice"},
    )  # fmt: skip
    assert posted.status_code == 303, posted.text
    statuses = (await client.get(f"/api/v1/accounts/{alice.id}/statuses")).json()
    attached = statuses[0]["media_attachments"]
    assert [m["id"] for m in attached] == [body["id"]]
    assert attached[0]["description"] == "A green square"


async def test_errors_answer_json_and_store_nothing(
    client: httpx.AsyncClient, media_roost: Roost, alice: User, bob: User
) -> None:
    signed_out = await client.post("/uploads", files={"file": ("a.png", png(), "image/png")})
    assert signed_out.status_code == 401
    token = await sign_in(client, alice)
    no_csrf = await client.post("/uploads", files={"file": ("a.png", png(), "image/png")})
    assert no_csrf.status_code == 403
    assert "error" in no_csrf.json()
    bad = await _upload(client, token, "a.png", b"<svg/>")
    assert bad.status_code == 422
    assert bad.json()["error"] == "File type of uploaded media could not be verified"
    assert await stored_keys(media_roost.media_storage) == []
    assert await media_roost.db.fetch_all(sa.select(media_attachments)) == []


async def test_a_post_naming_someone_elses_upload_is_refused(
    client: httpx.AsyncClient, media_roost: Roost, alice: User, bob: User
) -> None:
    files = {"file": ("p.png", png(), "image/png")}
    theirs = (await client.post("/api/v2/media", headers=bob.auth, files=files)).json()
    token = await sign_in(client, alice)
    refused = await client.post(
        "/statuses",
        data={"csrf_token": token, "status": "Mine now", "media_ids": theirs["id"]},
    )
    assert refused.status_code == 422
    assert "attach it again" in refused.text
    assert "Mine now" in refused.text  # what was typed is kept
