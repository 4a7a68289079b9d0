"""Staff roles: Mastodon's ids and permission bits, `roles` on every Account and `role` on
the CredentialAccount, the permission helper, and the operator's actions."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import sqlalchemy as sa

from roost.accounts.entities import Role
from roost.accounts.roles import ROLES, can, outranks, role_entity, role_key
from roost.accounts.staff import (
    access_local_user,
    do_approve,
    do_set_role,
    do_suspend,
    do_unsuspend,
)
from roost.accounts.tables import users
from roost.errors import NotFound
from roost.instance import Roost
from roost.oauth.queries import TOKEN_CHANNEL, access_viewer, token_hash
from tests.conftest import MakeUser, User


def test_default_roles_are_mastodons() -> None:
    # Mastodon's seeds (config/roles.yml, in that order) and UserRole#computed_permissions,
    # which the Role entity shows as a string: the owner's `administrator` bit grants all.
    assert role_entity("owner") == Role(
        id="3", name="Owner", color="", permissions="2097151", highlighted=True
    )
    assert role_entity("admin") == Role(
        id="2", name="Admin", color="", permissions="2097148", highlighted=True
    )
    assert role_entity("moderator") == Role(
        id="1", name="Moderator", color="", permissions="1115420", highlighted=True
    )
    assert role_entity(None) == Role(
        id="-99", name="", color="", permissions="65536", highlighted=False
    )
    assert [ROLES[k].position for k in ("moderator", "admin", "owner")] == [10, 100, 1000]


def test_permissions() -> None:
    for role in ("owner", "admin", "moderator"):
        assert can(role, "manage_reports")
        assert can(role, "manage_users")
        assert can(role, "invite_users")
    assert not can("moderator", "manage_settings")
    assert not can("moderator", "manage_roles")
    assert can("admin", "manage_settings")
    assert not can("admin", "view_devops")
    assert can("owner", "view_devops")
    assert can("owner", "administrator")
    assert not can(None, "manage_reports")
    assert can(None, "invite_users")
    with pytest.raises(ValueError, match="Unknown permission"):
        can("owner", "launch_rockets")
    assert outranks("owner", "admin")
    assert outranks("moderator", None)
    assert not outranks("moderator", "owner")
    assert not outranks("admin", "admin")
    assert role_key(" Admin ") == "admin"
    assert role_key("none") is None
    with pytest.raises(ValueError, match="owner, admin, moderator, none"):
        role_key("king")


async def _me(client: httpx.AsyncClient, user: User) -> dict[str, object]:
    r = await client.get("/api/v1/accounts/verify_credentials", headers=user.auth)
    assert r.status_code == 200
    body: dict[str, object] = r.json()
    return body


async def test_accounts_show_their_role_everywhere(
    client: httpx.AsyncClient, make_user: MakeUser, alice: User
) -> None:
    boss = await make_user("boss", admin=True)
    badge = [{"id": "2", "name": "Admin", "color": ""}]
    me = await _me(client, boss)
    assert me["roles"] == badge
    assert me["role"] == {
        "id": "2", "name": "Admin", "color": "", "permissions": "2097148", "highlighted": True
    }  # fmt: skip
    assert (await _me(client, alice))["roles"] == []
    assert (await _me(client, alice))["role"]["id"] == "-99"  # type: ignore[index]

    # The profile, a lookup, a list of accounts, and the author of a post as it is posted
    # and as timelines show it: one shape wherever the account appears.
    r = await client.get(f"/api/v1/accounts/{boss.sid}", headers=alice.auth)
    assert r.json()["roles"] == badge
    r = await client.get("/api/v1/accounts/lookup", params={"acct": "boss"})
    assert r.json()["roles"] == badge
    r = await client.get("/api/v1/accounts", params={"id[]": [boss.sid, alice.sid]})
    assert [a["roles"] for a in r.json()] == [badge, []]
    posted = await client.post("/api/v1/statuses", data={"status": "hi"}, headers=boss.auth)
    assert posted.json()["account"]["roles"] == badge
    r = await client.get("/api/v1/timelines/public")
    assert r.json()[0]["account"]["roles"] == badge


async def test_a_role_change_shows_at_once(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await client.get(f"/api/v1/accounts/{alice.sid}")  # rendered (and memoised) first
    await do_set_role(roost.db, alice.id, "moderator")
    r = await client.get(f"/api/v1/accounts/{alice.sid}")
    assert r.json()["roles"] == [{"id": "1", "name": "Moderator", "color": ""}]
    assert (await _me(client, alice))["role"]["permissions"] == "1115420"  # type: ignore[index]
    viewer = await access_viewer(roost.db, roost.tokens, alice.token)
    assert viewer is not None
    assert viewer.role == "moderator"
    assert viewer.can("manage_reports")
    assert not viewer.can("manage_settings")
    assert not viewer.admin
    # `users.admin` stays in step for readers from before roles.
    await do_set_role(roost.db, bob.id, "owner")
    admins = await roost.db.fetch_all(sa.select(users.c.account_id).where(users.c.admin))
    assert [row.account_id for row in admins] == [bob.id]
    await do_set_role(roost.db, bob.id, None)
    admin = sa.select(users.c.admin).where(users.c.account_id == bob.id)
    assert not await roost.db.scalar(admin)
    r = await client.get(f"/api/v1/accounts/{bob.sid}")
    assert r.json()["roles"] == []


async def test_the_owner_else_the_first_admin_is_the_contact(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    await make_user("helper", role="moderator")
    first = await make_user("first", admin=True)
    r = await client.get("/api/v2/instance")
    assert r.json()["contact"]["account"]["id"] == first.sid
    owner = await make_user("owner", role="owner")
    r = await client.get("/api/v2/instance")
    assert r.json()["contact"]["account"]["id"] == owner.sid


async def test_suspend_unsuspend_approve(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, alice: User
) -> None:
    assert (await access_local_user(roost.db, "@ALICE")).account_id == alice.id
    with pytest.raises(NotFound, match="No local account named 'nobody'"):
        await access_local_user(roost.db, "nobody")

    assert await do_suspend(roost.db, alice.id) is True
    assert await do_suspend(roost.db, alice.id) is False
    assert (await access_local_user(roost.db, "alice")).suspended
    assert (await client.get(f"/api/v1/accounts/{alice.sid}")).status_code == 404
    r = await client.get("/api/v1/accounts/verify_credentials", headers=alice.auth)
    assert r.status_code == 401
    # Every process is told to forget the account's cached tokens (roost.instance listens).
    told = await roost.pubsub.subscribe([TOKEN_CHANNEL])
    try:
        assert await do_unsuspend(roost.db, alice.id) is True
        _, message = await asyncio.wait_for(anext(aiter(told)), 5)
    finally:
        await told.close()
    assert message.decode() == token_hash(alice.token)
    roost.tokens.drop(message.decode())  # what the listener does
    assert await do_unsuspend(roost.db, alice.id) is False
    assert (await client.get(f"/api/v1/accounts/{alice.sid}")).status_code == 200
    r = await client.get("/api/v1/accounts/verify_credentials", headers=alice.auth)
    assert r.status_code == 200

    waiting = await make_user("waiting", approved=False)
    assert (await client.get(f"/api/v1/accounts/{waiting.sid}")).status_code == 404
    assert await do_approve(roost.db, waiting.id) is True
    assert await do_approve(roost.db, waiting.id) is False
    assert (await client.get(f"/api/v1/accounts/{waiting.sid}")).status_code == 200
