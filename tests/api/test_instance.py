import httpx

from roost.instance import Roost
from tests.conftest import MakeUser


async def test_instance_v1_anonymous(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/instance")
    assert r.status_code == 200
    body = r.json()
    assert body["version"].startswith("4.5.0 (compatible; Roost")
    assert body["uri"] == "testserver"
    assert body["configuration"]["statuses"]["max_characters"] == 500


async def test_instance_counts_users_and_posts_and_keeps_them_for_a_while(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser
) -> None:
    ann = await make_user("ann")
    await make_user("ben")
    headers = {"Authorization": f"Bearer {ann.token}"}
    r = await client.post("/api/v1/statuses", data={"status": "one"}, headers=headers)
    assert r.status_code == 200
    stats = (await client.get("/api/v1/instance")).json()["stats"]
    assert stats["user_count"] == 2
    assert stats["status_count"] == 1
    v2 = (await client.get("/api/v2/instance")).json()
    assert v2["usage"]["users"]["active_month"] == 2
    # Counted at most every few minutes (every client asks on start; counting every post
    # per request grows with the database).
    await client.post("/api/v1/statuses", data={"status": "two"}, headers=headers)
    assert (await client.get("/api/v1/instance")).json()["stats"]["status_count"] == 1
    await roost.cache.clear()
    assert (await client.get("/api/v1/instance")).json()["stats"]["status_count"] == 2


async def test_instance_v2_has_api_versions(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v2/instance/")  # trailing slash tolerated
    assert r.status_code == 200
    body = r.json()
    assert body["api_versions"]["mastodon"] >= 1
    assert body["registrations"]["enabled"] is True


async def test_unknown_route_is_json_404(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/nope")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"error": "Record not found"}


async def test_streaming_health(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/streaming/health")
    assert r.status_code == 200
    assert r.text == "OK"
