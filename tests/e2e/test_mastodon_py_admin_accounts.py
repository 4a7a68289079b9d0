"""Mastodon.py against a real `roost serve`: the admin accounts API (list, show,
moderate and undo, approve and reject sign-ups), on ROOST_REGISTRATIONS=approval."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from mastodon import Mastodon, MastodonAPIError

from tests.e2e.server import Server, roost_server

pytestmark = pytest.mark.e2e
SCOPES = ["read", "write", "follow"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with roost_server(
        tmp_path_factory.mktemp("mastodon_py_admin_accounts"),
        ROOST_REGISTRATIONS="approval",
        ROOST_SIGNUP_LIMIT="0",
    ) as s:
        yield s


def client(server: Server, name: str, scopes: str) -> Mastodon:
    server.cli("users", "create", name, "--email", f"{name}@example.com")
    token = server.cli("tokens", "create", name, "--scopes", scopes).strip().split()[-1]
    return Mastodon(access_token=token, api_base_url=server.url)


def sign_up(server: Server, name: str) -> Mastodon:
    client_id, client_secret = Mastodon.create_app(
        "roost-admin-accounts", api_base_url=server.url, scopes=SCOPES
    )
    app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server.url)
    app.create_account(
        name, "correct horse", f"{name}@example.com", agreement=True, reason="I like birds",
        scopes=SCOPES,
    )  # fmt: skip
    return app


def eventually(check: Callable[[], Any], seconds: float = 30.0) -> Any:
    """`check()` once it stops failing (the server's token cache lets go within 5 s)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return check()
        except (AssertionError, MastodonAPIError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def test_admin_accounts(server: Server) -> None:
    ana = client(server, "ana", "read write")
    ben = client(server, "ben", "read write")
    mod = client(server, "mod", "read write admin:read admin:write")
    server.cli("users", "role", "mod", "moderator")
    ben_id = ben.me().id

    # admin_accounts_v2, admin_account
    with pytest.raises(MastodonAPIError):
        ana.admin_accounts_v2()  # no admin scope: 403
    found = eventually(lambda: mod.admin_accounts_v2(origin="local"))
    assert {a.username for a in found} >= {"ana", "ben", "mod"}
    staff = mod.admin_accounts_v2(permissions="staff")
    assert [a.username for a in staff] == ["mod"]
    shown = mod.admin_account(ben_id)
    assert (shown.username, shown.email, shown.silenced, shown.approved) == (
        "ben",
        "ben@example.com",
        False,
        True,
    )
    assert shown.account.id == ben_id

    # admin_account_moderate: silence, then admin_account_unsilence
    post = ben.status_post("hello from ben")
    mod.admin_account_moderate(ben_id, "silence", text="Calm down")
    assert mod.admin_account(ben_id).silenced is True
    assert [a.username for a in mod.admin_accounts_v2(status="silenced")] == ["ben"]
    assert post.id not in [s.id for s in ana.timeline_public()]
    assert ana.status(post.id).id == post.id  # still there by direct link
    warning = ben.notifications(types=["moderation_warning"])[0]
    assert warning.type == "moderation_warning"
    assert (warning.moderation_warning.action, warning.moderation_warning.text) == (
        "silence",
        "Calm down",
    )
    unsilenced = mod.admin_account_unsilence(ben_id)
    assert unsilenced.silenced is False
    assert post.id in [s.id for s in ana.timeline_public()]

    # admin_account_approve / admin_account_reject
    newbie = sign_up(server, "newbie")
    other = sign_up(server, "other")
    pending = mod.admin_accounts_v2(status="pending")
    by_name = {a.username: a for a in pending}
    assert set(by_name) == {"newbie", "other"}
    assert by_name["newbie"].approved is False
    assert mod.admin_account_approve(by_name["newbie"].id).approved is True
    assert eventually(lambda: newbie.account_verify_credentials().username) == "newbie"
    rejected = mod.admin_account_reject(by_name["other"].id)
    assert rejected.username == "other"
    assert mod.admin_accounts_v2(status="pending") == []
    with pytest.raises(MastodonAPIError):
        other.account_verify_credentials()
