"""Live updates: the user stream applies the viewer's `home` filters, public streams their
`public` ones, and filter writes send `filters_changed`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from roost.instance import Roost
from tests.api.test_statuses import post
from tests.conftest import User
from tests.streaming import publish, serve
from tests.streaming.test_sse import sse


@pytest.fixture
async def server(roost: Roost) -> AsyncIterator[str]:
    async with serve(roost) as host:
        yield host


async def _filter(client: httpx.AsyncClient, user: User, word: str, context: str,
                  action: str) -> None:  # fmt: skip
    r = await client.post(
        "/api/v2/filters",
        json={"title": word, "context": [context], "filter_action": action,
              "keywords_attributes": [{"keyword": word}]},
        headers=user.auth,
    )  # fmt: skip
    assert r.status_code == 200, r.text


async def test_user_stream_applies_home_filters(
    client: httpx.AsyncClient, roost: Roost, server: str, alice: User, bob: User
) -> None:
    hidden = await post(client, bob, "crypto news")
    warned = await post(client, bob, "football news")
    await _filter(client, alice, "crypto", "home", "hide")
    await _filter(client, alice, "football", "home", "warn")
    async with sse(server, "user", alice) as source:
        channel = f"timeline:{alice.id}"
        await publish(roost, channel, "update", hidden["id"])
        await publish(roost, channel, "update", warned["id"])
        name, payload = await source.status_event()
        assert (name, payload["id"]) == ("update", warned["id"])
        assert payload["filtered"][0]["keyword_matches"] == ["football"]


async def test_public_stream_applies_public_filters(
    client: httpx.AsyncClient, roost: Roost, server: str, alice: User, bob: User
) -> None:
    hidden = await post(client, bob, "crypto news")
    shown = await post(client, bob, "bird news")
    await _filter(client, alice, "crypto", "public", "hide")
    async with sse(server, "public", alice) as source:
        await publish(roost, "timeline:public", "update", hidden["id"])
        await publish(roost, "timeline:public", "update", shown["id"])
        name, payload = await source.status_event()
        assert (name, payload["id"]) == ("update", shown["id"])


async def test_filter_writes_send_filters_changed(
    client: httpx.AsyncClient, server: str, alice: User
) -> None:
    async with sse(server, "user", alice) as source:
        await _filter(client, alice, "crypto", "home", "hide")
        assert await source.line() == "event: filters_changed"
