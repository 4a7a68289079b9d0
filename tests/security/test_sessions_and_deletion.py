"""The sessions page (revoking a web session or an app at once), and deleting one's own
account: suspended at once, data gone after the grace period, the username kept."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa

from roost.accounts.registration import ValidationFailed, do_create_account
from roost.accounts.staff import do_unsuspend
from roost.accounts.tables import accounts, users
from roost.graph.tables import follows
from roost.instance import Roost
from roost.oauth.actions import do_create_token
from roost.oauth.apps import do_create_app
from roost.oauth.queries import token_hash
from roost.security.deletion import access_deletion, do_purge_due, do_schedule_deletion
from roost.statuses.tables import favourites, statuses
from roost.timeutil import utcnow
from tests.conftest import User
from tests.security.helpers import code_at, enable_two_factor
from tests.web.test_pages import csrf_of, post, sign_in

VERIFY = "/api/v1/accounts/verify_credentials"


async def test_sessions_page_revokes_at_once(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    await sign_in(client, alice)
    page = await client.get("/settings/sessions")
    assert page.status_code == 200
    assert "this browser" in page.text
    # alice's fixture token is a session-less token without app: listed among web sessions
    assert (await client.get(VERIFY, headers=alice.auth)).status_code == 200  # now cached
    ids = re.findall(r"/settings/sessions/(\d+)/revoke", page.text)
    assert len(ids) == 2
    row = await roost.db.fetch_one(
        sa.text("SELECT id FROM tokens WHERE token_hash = :h"), {"h": token_hash(alice.token)}
    )
    assert row is not None
    assert str(row.id) in ids
    r = await client.post(
        f"/settings/sessions/{row.id}/revoke", data={"csrf_token": csrf_of(page.text)}
    )
    assert r.status_code == 303
    assert (await client.get(VERIFY, headers=alice.auth)).status_code == 401  # at once
    # Someone else's token: 404, and it keeps working.
    bob = await do_create_account(
        roost.db, username="bob", email="bob@example.com", password="password123"
    )
    other = await do_create_token(roost.db, account_id=bob.id, app_id=None, scopes="read")
    r = await client.post(
        f"/settings/sessions/{other.id}/revoke", data={"csrf_token": csrf_of(page.text)}
    )
    assert r.status_code == 404
    assert (
        await client.get(VERIFY, headers={"Authorization": f"Bearer {other.access_token}"})
    ).status_code == 200


async def test_authorised_apps_listed_and_revoked(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    app = await do_create_app(
        roost.db, name="Tusky", website=None, redirect_uris=["urn:ietf:wg:oauth:2.0:oob"],
        scopes="read write",
    )  # fmt: skip
    token = await do_create_token(roost.db, account_id=alice.id, app_id=app.id, scopes="read")
    headers = {"Authorization": f"Bearer {token.access_token}"}
    assert (await client.get(VERIFY, headers=headers)).status_code == 200
    await sign_in(client, alice)
    page = await client.get("/settings/sessions")
    assert "Tusky" in page.text
    r = await client.post(
        f"/settings/sessions/{token.id}/revoke", data={"csrf_token": csrf_of(page.text)}
    )
    assert r.status_code == 303
    assert (await client.get(VERIFY, headers=headers)).status_code == 401
    assert "Tusky" not in (await client.get("/settings/sessions")).text
    # Revoking this browser's own session signs it out.
    page = await client.get("/settings/sessions")
    own = re.search(r'/settings/sessions/(\d+)/revoke" class="inline">\s*<input[^>]*>\s*'
                    r'<button[^>]*>Sign out', page.text)  # fmt: skip
    assert own
    current = re.findall(r"/settings/sessions/(\d+)/revoke", page.text)
    for token_id in current:
        await client.post(
            f"/settings/sessions/{token_id}/revoke", data={"csrf_token": csrf_of(page.text)}
        )
    assert (await client.get("/settings/sessions")).status_code in (302, 303)


async def test_delete_account_from_settings(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await sign_in(client, alice)
    secret, _ = await enable_two_factor(client)
    page = await client.get("/settings/delete")
    assert 'name="code"' in page.text
    wrong = await client.post(
        "/settings/delete",
        data={"csrf_token": csrf_of(page.text), "password": "password123", "code": "123456"},
    )
    assert wrong.status_code == 422
    r = await client.post(
        "/settings/delete",
        data={"csrf_token": csrf_of(page.text), "password": "password123",
              "code": code_at(secret)},
    )  # fmt: skip
    assert r.status_code == 200
    assert "being deleted" in r.text
    # Suspended at once: gone for others, its token refused, no sign-in.
    assert (await client.get(f"/api/v1/accounts/{alice.id}", headers=bob.auth)).status_code == 404
    assert (await client.get(VERIFY, headers=alice.auth)).status_code == 401
    deletion = await access_deletion(roost.db, alice.id)
    assert deletion is not None
    assert deletion.delete_after - deletion.requested_at == timedelta(days=30)


async def test_data_goes_after_the_grace_period(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    token = await sign_in(client, alice)
    for i in range(5):
        await post(client, token, f"goodbye {i}")
    r = await client.post("/api/v1/statuses", data={"status": "bob's post"}, headers=bob.auth)
    bobs = r.json()["id"]
    assert (
        await client.post(f"/api/v1/statuses/{bobs}/favourite", headers=alice.auth)
    ).status_code == 200
    assert (
        await client.post(f"/api/v1/statuses/{bobs}/reblog", headers=alice.auth)
    ).status_code == 200
    assert (
        await client.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.auth)
    ).status_code == 200
    assert (
        await client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    ).status_code == 200
    assert (
        await client.post("/api/v1/lists", data={"title": "pals"}, headers=alice.auth)
    ).status_code == 200

    now = utcnow()
    await do_schedule_deletion(roost.db, alice.id, timedelta(days=30), now=now)
    assert await do_purge_due(roost.db, roost.media_storage, now + timedelta(days=29)) == 0
    assert await roost.db.scalar(
        sa.select(sa.func.count()).where(statuses.c.account_id == alice.id)
    ) == 6  # fmt: skip
    assert await do_purge_due(roost.db, roost.media_storage, now + timedelta(days=31)) == 1
    db = roost.db
    for table, where in (
        (statuses, statuses.c.account_id == alice.id),
        (favourites, favourites.c.account_id == alice.id),
        (
            follows,
            sa.or_(follows.c.account_id == alice.id, follows.c.target_account_id == alice.id),
        ),
        (users, users.c.account_id == alice.id),
    ):
        assert await db.scalar(sa.select(sa.func.count()).select_from(table).where(where)) == 0
    shown = (await client.get(f"/api/v1/statuses/{bobs}", headers=bob.auth)).json()
    assert shown["favourites_count"] == 0
    assert shown["reblogs_count"] == 0
    me = (await client.get(VERIFY, headers=bob.auth)).json()
    assert me["followers_count"] == 0
    assert me["following_count"] == 0
    # The tombstone keeps the name: nobody can sign up as alice again.
    tomb = await db.fetch_one(sa.select(accounts).where(accounts.c.id == alice.id))
    assert tomb is not None
    assert tomb.suspended_at is not None
    with pytest.raises(ValidationFailed) as taken:
        await do_create_account(
            db, username="Alice", email="new@example.com", password="password123"
        )
    assert taken.value.details["username"][0]["error"] == "ERR_TAKEN"
    # Running it again does nothing more (idempotent).
    assert await do_purge_due(db, roost.media_storage, now + timedelta(days=40)) == 0


async def test_unsuspend_during_the_grace_period_restores(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    token = await sign_in(client, alice)
    await post(client, token, "still here")
    now = utcnow()
    await do_schedule_deletion(roost.db, alice.id, timedelta(days=30), now=now)
    assert await do_unsuspend(roost.db, alice.id)
    assert await do_purge_due(roost.db, roost.media_storage, now + timedelta(days=31)) == 1
    assert await access_deletion(roost.db, alice.id) is None
    assert await roost.db.scalar(
        sa.select(sa.func.count()).where(statuses.c.account_id == alice.id)
    ) == 1  # fmt: skip


async def test_the_job_deletes_in_batches(roost: Roost, alice: User) -> None:
    from roost.statuses.posting import NewStatus, do_post_status

    for i in range(130):
        await do_post_status(
            roost.db, alice.id, NewStatus(text=f"post {i}"), base_url="http://testserver",
            max_chars=500,
        )  # fmt: skip
    await do_schedule_deletion(roost.db, alice.id, timedelta(seconds=0))
    assert roost.worker is not None
    for _ in range(20):
        await roost.worker.run_pending()
    assert await roost.db.scalar(
        sa.select(sa.func.count()).where(statuses.c.account_id == alice.id)
    ) == 0  # fmt: skip
    deletion = await access_deletion(roost.db, alice.id)
    assert deletion is not None
    assert deletion.finished_at is not None
