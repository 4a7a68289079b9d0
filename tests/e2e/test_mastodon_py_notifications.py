"""Mastodon.py against a real `roost serve`: the notification policy, the requests of
filtered senders, and grouped notifications."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.server import Server, roost_server
from tests.e2e.test_mastodon_py import login

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with roost_server(tmp_path_factory.mktemp("mastodon_py_notifications")) as s:
        yield s


def test_policy_requests_and_groups(server: Server) -> None:
    for name in ("ana", "ben", "cat", "dan"):
        server.cli("users", "create", name, "--email", f"{name}@example.com",
                   "--password", f"{name}-password-1")  # fmt: skip
    ana, ben, cat, dan = (login(server, n, f"{n}-password-1") for n in ("ana", "ben", "cat", "dan"))

    policy = ana.notifications_policy()
    assert policy.for_private_mentions == "filter"
    assert policy.for_not_following == "accept"
    assert policy.summary.pending_requests_count == 0

    # A stranger's private mention waits in a request; a public one is let in.
    secret = ben.status_post("@ana a secret", visibility="direct")
    ben.status_post("@ana in the open")
    assert [n.type for n in ana.notifications()] == ["mention"]
    (request,) = ana.notification_requests()
    assert request.account.username == "ben"
    assert request.notifications_count == "1"
    assert request.last_status.id == secret.id
    assert ana.notification_request(request.id).id == request.id
    assert ana.notifications_policy().summary.pending_notifications_count == 1
    filtered = ana.grouped_notifications(include_filtered=True)
    assert len(filtered.notification_groups) == 2

    ana.accept_notification_request(request)
    assert ana.notifications_merged() is True
    assert ana.notification_requests() == []
    assert [n.type for n in ana.notifications()] == ["mention", "mention"]
    assert secret.id in {n.status.id for n in ana.notifications()}

    # Dismissed requests take their notifications with them.
    cat.status_post("@ana psst", visibility="direct")
    dan.status_post("@ana psst", visibility="direct")
    waiting = ana.notification_requests()
    assert {r.account.username for r in waiting} == {"cat", "dan"}
    ana.dismiss_multiple_notification_requests(waiting)
    assert ana.notification_requests() == []
    assert all(n.account.username not in ("cat", "dan") for n in ana.notifications())

    # Drop the notifications of people ana does not follow: cat's likes leave no trace,
    # ben's (accepted above) still come, grouped by post.
    updated = ana.update_notifications_policy(for_not_following="drop")
    assert updated.for_not_following == "drop"
    liked = ana.status_post("like me")
    for fan in (ben, cat):
        fan.status_favourite(liked)
    groups = ana.grouped_notifications(types=["favourite"])
    (group,) = groups.notification_groups
    assert group.notifications_count == 1
    assert [str(i) for i in group.sample_account_ids] == [str(ben.me().id)]
