import httpx


async def test_instance_v1_anonymous(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/instance")
    assert r.status_code == 200
    body = r.json()
    assert body["version"].startswith("4.5.0 (compatible; Roost")
    assert body["uri"] == "testserver"
    assert body["configuration"]["statuses"]["max_characters"] == 500


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
