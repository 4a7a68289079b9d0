"""Web Push with Mastodon.py against a real `roost serve`: keys made by the client,
`push_subscription_set` to a receiver on 127.0.0.1, a notification, and the push that
arrives decrypted with `push_subscription_decrypt_push`."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from mastodon import Mastodon

from tests.e2e.server import Server, roost_server
from tests.outbound.server import receiver

pytestmark = pytest.mark.e2e


def client(server: Server, name: str) -> Mastodon:
    server.cli("users", "create", name, "--email", f"{name}@example.com")
    token = server.cli("tokens", "create", name, "--scopes", "read write follow push").strip()
    return Mastodon(access_token=token, api_base_url=server.url)


def test_push_subscription_and_a_decrypted_push(tmp_path: Path) -> None:
    with (
        receiver() as phone,
        roost_server(tmp_path, ROOST_ALLOW_PRIVATE_NETWORK="1") as server,
    ):
        ana = client(server, "ana")
        ben = client(server, "ben")
        private, public = ana.push_subscription_generate_keys()
        subscription = ana.push_subscription_set(
            phone.url("/push/ana"),
            public,
            mention_events=True,
            favourite_events=True,
            follow_events=False,
        )
        assert subscription.endpoint == phone.url("/push/ana")
        assert subscription.alerts.mention is True
        assert subscription.alerts.follow is False
        server_key = subscription.server_key
        assert ana.instance_v2().configuration.vapid.public_key == server_key
        assert ana.push_subscription().id == subscription.id

        ben.account_follow(ana.me().id)  # follow alerts are off: nothing is pushed
        post = ben.status_post("@ana are you there?")
        (got,) = phone.wait_for(1, timeout=30)
        push = ana.push_subscription_decrypt_push(
            got.body, private, got.headers["Encryption"], got.headers["Crypto-Key"]
        )
        (mention,) = ana.notifications(types=["mention"])
        assert mention.status.id == post.id
        assert str(push.notification_id) == str(mention.id)
        assert push.notification_type == "mention"
        assert push.title == "You were mentioned by ben"
        assert push.body == "@ana are you there?"
        assert f"p256ecdsa={server_key}" in got.headers["Crypto-Key"]

        # Pushed from now on: favourites by followers (ben follows ana), not mentions.
        updated = ana.push_subscription_update(favourite_events=True, policy="follower")
        assert updated.policy == "follower"
        assert updated.alerts.mention is False
        assert updated.alerts.favourite is True
        ben.status_favourite(ana.status_post("a post of mine").id)
        second = phone.wait_for(2, timeout=30)[1]
        push = ana.push_subscription_decrypt_push(
            second.body, private, second.headers["Encryption"], second.headers["Crypto-Key"]
        )
        assert push.notification_type == "favourite"
        assert push.title == "ben favourited your post"

        ana.push_subscription_delete()
        ben.status_favourite(ana.status_post("another").id)
        deadline = time.monotonic() + 10
        while len(ana.notifications(types=["favourite"])) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # the job, had one been queued, would have run by now
        assert len(phone.received) == 2
