"""Mastodon.py against a real `roost serve`: sign-up errors as Mastodon gives them, staff
roles, and the operator's `roost users` commands (on ROOST_REGISTRATIONS=approval)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from mastodon import (
    Mastodon,
    MastodonIllegalArgumentError,
    MastodonNotFoundError,
    MastodonUnauthorizedError,
)

from tests.e2e.server import ROOST, Server, roost_server
from tests.e2e.test_mastodon_py import login

pytestmark = pytest.mark.e2e
SCOPES = ["read", "write", "follow"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with roost_server(
        tmp_path_factory.mktemp("mastodon_py_roles"),
        ROOST_REGISTRATIONS="approval",
        ROOST_SIGNUP_LIMIT="0",
    ) as s:
        yield s


def new_app(server: Server) -> Mastodon:
    client_id, client_secret = Mastodon.create_app(
        "roost-roles", api_base_url=server.url, scopes=SCOPES
    )
    return Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server.url)


def eventually(check: Callable[[], Any], seconds: float = 30.0) -> Any:
    """`check()` once it stops raising: another process's change reaches the server's
    five-second token cache at the latest when the entry expires (no Redis here); the
    wait is longer than that for a machine busy with the rest of the suite."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return check()
        except (AssertionError, MastodonUnauthorizedError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def refused(client: Mastodon) -> None:
    """The client's token no longer works (an AssertionError while it still does, so that
    `eventually` tries again)."""
    try:
        client.account_verify_credentials()
    except MastodonUnauthorizedError:
        return
    raise AssertionError("the token still works")


def test_sign_up_errors_reach_mastodon_py(server: Server) -> None:
    app = new_app(server)
    token, error = app.create_account(
        "admin", "short", "admin@localhost", agreement=False, reason="hi",
        return_detailed_error=True, scopes=SCOPES,
    )  # fmt: skip
    assert token is None
    assert error.error == (
        "Validation failed: Username is reserved, Email is invalid, "
        "Password is too short (minimum is 8 characters), Agreement must be accepted"
    )
    details = {  # Mastodon.py's AccountCreationErrorDetails has every field, None if fine
        field: [e.error for e in found] for field, found in error.details.items() if found
    }
    assert details == {
        "username": ["ERR_RESERVED"],
        "email": ["ERR_INVALID"],
        "password": ["ERR_TOO_SHORT"],
        "agreement": ["ERR_ACCEPTED"],
    }
    assert error.details.password[0].description == "is too short (minimum is 8 characters)"
    with pytest.raises(MastodonIllegalArgumentError, match="Username must contain only"):
        app.create_account(
            "bad name", "correct horse", "bad@example.com", agreement=True, reason="hi",
            scopes=SCOPES,
        )  # fmt: skip


def test_the_operators_commands_and_roles(server: Server) -> None:
    out = server.cli("users", "create", "admin", "--email", "admin@localhost", "--admin")
    admin = login(server, "admin", out.split("Password:", 1)[1].strip())
    me = admin.account_verify_credentials()
    assert (me.role.id, me.role.name, me.role.permissions) == ("2", "Admin", "2097148")
    assert me.role.highlighted is True
    assert [(r["id"], r["name"]) for r in me.roles] == [("2", "Admin")]  # plain dicts

    server.cli("users", "create", "ben", "--email", "ben@example.com", "--password", "pw-123456")
    ben = login(server, "ben", "pw-123456")
    assert ben.account_verify_credentials().roles == []
    assert ben.account_verify_credentials().role.id == "-99"
    assert [r["name"] for r in ben.account(me.id).roles] == ["Admin"]

    server.cli("users", "role", "admin", "owner")
    me = admin.account_verify_credentials()
    assert (me.role.name, me.role.permissions) == ("Owner", "2097151")
    server.cli("users", "role", "ben", "moderator")
    assert [r["name"] for r in admin.account(ben.me().id).roles] == ["Moderator"]
    server.cli("users", "role", "ben", "none")
    assert admin.account(ben.me().id).roles == []

    # Suspended: gone for everyone at once, its own token refused; back after unsuspend.
    ben_id = ben.me().id
    server.cli("users", "suspend", "ben")
    with pytest.raises(MastodonNotFoundError):
        admin.account(ben_id)
    gone = subprocess.run([ROOST, "users", "suspend", "ben"], env=server.env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert gone.returncode == 0
    assert "already suspended" in gone.stderr
    eventually(lambda: refused(ben))
    server.cli("users", "unsuspend", "ben")
    assert eventually(lambda: ben.account_verify_credentials().username) == "ben"
    assert admin.account(ben_id).username == "ben"

    # A sign-up waits for approval; `roost users approve` lets it in.
    newcomer = new_app(server)
    newcomer.create_account(
        "newbie", "correct horse", "newbie@example.com", agreement=True, reason="I like birds",
        scopes=SCOPES,
    )  # fmt: skip
    refused(newcomer)
    server.cli("users", "approve", "newbie")
    assert eventually(lambda: newcomer.account_verify_credentials().username) == "newbie"

    # Clear errors for an unknown name or role.
    for args, code, said in [
        (("role", "nobody", "admin"), 1, "No local account named 'nobody'"),
        (("suspend", "nobody"), 1, "No local account named 'nobody'"),
        (("role", "ben", "king"), 2, "Unknown role 'king'"),
    ]:
        done = subprocess.run([ROOST, "users", *args], env=server.env,
                              capture_output=True, text=True, check=False)  # fmt: skip
        assert (done.returncode, said in done.stderr) == (code, True), done.stderr
