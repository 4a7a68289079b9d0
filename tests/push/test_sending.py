"""Pushes reaching a real receiver on 127.0.0.1: decrypted with the subscription's private
key (both encodings), signed with the instance's VAPID key; 410 removes the subscription,
500 retries, a hanging endpoint delays no one else; alerts and policy respected."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import httpx
import py_vapid  # type: ignore[import-untyped]  # py_vapid ships no type hints
import pytest
import sqlalchemy as sa

from roost.instance import Roost
from roost.jobs.tables import jobs
from roost.push import jobs as push_jobs
from roost.push.tables import push_subscriptions
from roost.timeutil import utcnow
from tests.conftest import User, variant
from tests.outbound.server import Answer, Receiver, receiver
from tests.push.helpers import ClientKeys, client_for

URL = "/api/v1/push/subscription"


@pytest.fixture
async def open_roost(roost: Roost) -> AsyncIterator[Roost]:
    """The instance with ROOST_ALLOW_PRIVATE_NETWORK on, so that pushes reach 127.0.0.1."""
    async with variant(roost, allow_private_network=True) as other:
        yield other


@pytest.fixture
async def api(open_roost: Roost) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_for(open_roost):
        yield c


@pytest.fixture
def phone() -> Iterator[Receiver]:
    with receiver() as r:
        yield r


async def subscribe(
    api: httpx.AsyncClient, user: User, keys: ClientKeys, endpoint: str, **data: Any
) -> dict[str, Any]:
    standard = data.pop("standard", None)
    data.setdefault("alerts", {"mention": True, "favourite": True, "follow": True})
    r = await api.post(
        URL,
        json={"subscription": keys.subscription(endpoint, standard=standard), "data": data},
        headers=user.auth,
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def post(api: httpx.AsyncClient, user: User, text: str) -> str:
    r = await api.post("/api/v1/statuses", json={"status": text}, headers=user.auth)
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


async def favourite(api: httpx.AsyncClient, user: User, status_id: str) -> None:
    r = await api.post(f"/api/v1/statuses/{status_id}/favourite", headers=user.auth)
    assert r.status_code == 200, r.text


async def latest_notification(api: httpx.AsyncClient, user: User) -> dict[str, Any]:
    r = await api.get("/api/v1/notifications", headers=user.auth)
    first: dict[str, Any] = r.json()[0]
    return first


@pytest.mark.parametrize("standard", [True, False], ids=["aes128gcm", "aesgcm"])
async def test_a_favourite_is_pushed_encrypted_and_signed(
    api: httpx.AsyncClient, open_roost: Roost, phone: Receiver, alice: User, bob: User,
    standard: bool,
) -> None:  # fmt: skip
    keys = ClientKeys.generate()
    await subscribe(api, alice, keys, phone.url("/push/alice"), standard=standard)
    status_id = await post(api, alice, "Look at <this> & that " + "word " * 40)
    await api.patch(
        "/api/v1/accounts/update_credentials", data={"display_name": "Bob B"}, headers=bob.auth
    )
    await favourite(api, bob, status_id)
    (got,) = phone.wait_for(1)
    assert got.method == "POST"
    assert got.path == "/push/alice"
    assert got.headers["TTL"] == "172800"
    assert got.headers["Urgency"] == "normal"
    assert got.headers["Content-Type"] == "application/octet-stream"
    server_key = open_roost.settings.vapid_public_key
    if standard:
        assert got.headers["Content-Encoding"] == "aes128gcm"
        assert got.headers["Authorization"].startswith("vapid t=")
        assert got.headers["Authorization"].endswith(f",k={server_key}")
        assert py_vapid.Vapid02.verify(got.headers["Authorization"])
    else:
        assert got.headers["Content-Encoding"] == "aesgcm"
        assert got.headers["Authorization"].startswith("WebPush ")
        assert got.headers["Crypto-Key"].endswith(f";p256ecdsa={server_key}")
        jwt = got.headers["Authorization"].removeprefix("WebPush ")
        assert py_vapid.Vapid01.from_raw_public(server_key.encode()).verify_token(
            jwt.rsplit(".", 1)[0].encode(), jwt.rsplit(".", 1)[1]
        )
    push = keys.decrypt(got)
    notification = await latest_notification(api, alice)
    assert push["notification_id"] == int(notification["id"])
    assert push["notification_type"] == "favourite"
    assert push["title"] == "Bob B favourited your post"
    assert push["body"] == ("Look at <this> & that " + "word " * 40)[:137] + "..."
    assert push["access_token"] == alice.token
    assert push["preferred_locale"] == "en"
    assert push["icon"] == notification["account"]["avatar_static"]
    assert set(push) == {"access_token", "preferred_locale", "notification_id",
                         "notification_type", "icon", "title", "body"}  # fmt: skip


async def test_a_follow_pushes_the_followers_bio(
    api: httpx.AsyncClient, phone: Receiver, alice: User, bob: User
) -> None:
    keys = ClientKeys.generate()
    await subscribe(api, alice, keys, phone.url("/a"))
    await api.patch(
        "/api/v1/accounts/update_credentials", data={"note": "I like birds"}, headers=bob.auth
    )
    await api.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    push = keys.decrypt(phone.wait_for(1)[0])
    assert push["title"] == "bob is now following you"
    assert push["body"] == "I like birds"


async def test_410_removes_the_subscription(
    api: httpx.AsyncClient, open_roost: Roost, phone: Receiver, alice: User, bob: User
) -> None:
    phone.answers["/gone"] = Answer(410, b"")
    await subscribe(api, alice, ClientKeys.generate(), phone.url("/gone"))
    await favourite(api, bob, await post(api, alice, "hello"))
    phone.wait_for(1)
    assert (await api.get(URL, headers=alice.auth)).status_code == 404
    assert await open_roost.db.scalar(sa.select(sa.func.count()).select_from(jobs)) == 0


async def test_500_is_retried_with_backoff(
    api: httpx.AsyncClient, open_roost: Roost, phone: Receiver, alice: User, bob: User
) -> None:
    phone.answers["/flaky"] = Answer(500, b"oops")
    keys = ClientKeys.generate()
    await subscribe(api, alice, keys, phone.url("/flaky"))
    await favourite(api, bob, await post(api, alice, "hello"))
    phone.wait_for(1)
    row = (await open_roost.db.fetch_all(sa.select(jobs).where(jobs.c.kind == "web_push")))[0]
    assert row.state == "queued"
    assert row.attempts == 1
    assert "500" in row.last_error
    assert row.run_at > utcnow() + timedelta(seconds=1)  # backoff
    assert (await api.get(URL, headers=alice.auth)).status_code == 200  # kept
    phone.answers["/flaky"] = Answer(201, b"")
    await open_roost.db.execute(jobs.update().values(run_at=utcnow()))
    assert open_roost.worker is not None
    await open_roost.worker.run_pending()
    second = phone.wait_for(2)[1]
    assert keys.decrypt(second)["notification_type"] == "favourite"
    assert await open_roost.db.scalar(sa.select(sa.func.count()).select_from(jobs)) == 0


async def test_a_hanging_endpoint_delays_no_one_else(
    api: httpx.AsyncClient, open_roost: Roost, phone: Receiver, alice: User, bob: User,
    carol: User, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(push_jobs, "TIMEOUT", 1.0)  # 10 s in production
    phone.answers["/hang"] = Answer(200, b"", delay=30)
    carol_keys = ClientKeys.generate()
    await subscribe(api, alice, ClientKeys.generate(), phone.url("/hang"))
    await subscribe(api, carol, carol_keys, phone.url("/carol"))
    await favourite(api, bob, await post(api, alice, "one"))
    await favourite(api, bob, await post(api, carol, "two"))
    got = phone.wait_for(2)
    assert keys_of(got, "/carol", carol_keys)["notification_type"] == "favourite"
    row = (await open_roost.db.fetch_all(sa.select(jobs).where(jobs.c.kind == "web_push")))[0]
    assert row.state == "queued"  # alice's push timed out and waits for its retry
    assert "Timeout" in row.last_error


def keys_of(got: list[Any], path: str, keys: ClientKeys) -> dict[str, Any]:
    (match,) = [g for g in got if g.path == path]
    return keys.decrypt(match)


async def test_alerts_are_respected(
    api: httpx.AsyncClient, open_roost: Roost, phone: Receiver, alice: User, bob: User
) -> None:
    keys = ClientKeys.generate()
    await subscribe(api, alice, keys, phone.url("/a"), alerts={"mention": True})
    await favourite(api, bob, await post(api, alice, "no push for this"))
    await post(api, bob, "@alice a push for this")
    (got,) = phone.wait_for(1)
    push = keys.decrypt(got)
    assert push["notification_type"] == "mention"
    assert push["title"] == "You were mentioned by bob"
    assert push["body"] == "@alice a push for this"
    # No job was even queued for the favourite.
    assert await open_roost.db.scalar(sa.select(sa.func.count()).select_from(jobs)) == 0


@pytest.mark.parametrize(
    ("policy", "follows", "pushed"),
    [
        ("none", [], False),
        ("followed", [], False),
        ("followed", ["alice->bob"], True),
        ("follower", ["alice->bob"], False),
        ("follower", ["bob->alice"], True),
        ("all", [], True),
    ],
)
async def test_policy_is_respected(
    api: httpx.AsyncClient, phone: Receiver, alice: User, bob: User,
    policy: str, follows: list[str], pushed: bool,
) -> None:  # fmt: skip
    users = {"alice": alice, "bob": bob}
    for edge in follows:
        who, whom = (users[n] for n in edge.split("->"))
        r = await api.post(f"/api/v1/accounts/{whom.id}/follow", headers=who.auth)
        assert r.status_code == 200
    keys = ClientKeys.generate()
    await subscribe(api, alice, keys, phone.url("/p"), alerts={"favourite": True}, policy=policy)
    await favourite(api, bob, await post(api, alice, "hello"))
    await post(api, alice, "a marker")  # nothing is pushed for it; lets the jobs finish
    if pushed:
        assert keys.decrypt(phone.wait_for(1)[0])["notification_type"] == "favourite"
    else:
        assert phone.received == []


async def test_a_subscription_changed_before_the_job_runs(
    api: httpx.AsyncClient, open_roost: Roost, phone: Receiver, alice: User, bob: User
) -> None:
    """The job applies the subscription as it is when it runs."""
    await subscribe(api, alice, ClientKeys.generate(), phone.url("/a"))
    status_id = await post(api, alice, "hello")
    async with open_roost.db.transaction() as tx:  # the favourite's job is queued...
        from roost.push.hooks import notification_created

        await notification_created(tx, account_id=alice.id, notification_id=1, type="favourite")
    # ...for a notification that does not exist: the job finds nothing and ends.
    assert open_roost.worker is not None
    await open_roost.worker.run_pending()
    await api.put(URL, json={"data": {"alerts": {"mention": True}}}, headers=alice.auth)
    await favourite(api, bob, status_id)
    assert phone.received == []
    assert await open_roost.db.scalar(sa.select(sa.func.count()).select_from(jobs)) == 0
    rows = await open_roost.db.fetch_all(sa.select(push_subscriptions.c.alerts))
    assert json.loads(json.dumps(rows[0].alerts)) == {"mention": True}
