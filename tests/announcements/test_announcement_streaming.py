"""The user stream hears of announcements: `announcement`, `announcement.reaction` and
`announcement.delete`, as Mastodon's streaming server sends them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from roost.announcements.actions import (
    AnnouncementChange,
    do_create_announcement,
    do_delete_announcement,
)
from roost.instance import Roost
from tests.conftest import User
from tests.streaming import serve
from tests.streaming.test_sse import sse


@pytest.fixture
async def server(roost: Roost) -> AsyncIterator[str]:
    async with serve(roost) as host:
        yield host


async def test_user_stream_announcement_events(
    client: httpx.AsyncClient, roost: Roost, server: str, alice: User, bob: User
) -> None:
    async with sse(server, "user", alice) as source:
        draft = AnnouncementChange(text="draft", publish=False)
        await do_create_announcement(roost.db, "http://testserver", draft)  # no event
        change = AnnouncementChange(text="Hello everyone")
        announcement_id = await do_create_announcement(roost.db, "http://testserver", change)
        name, data = await source.event()
        assert name == "announcement"
        payload = json.loads(data)
        assert payload["id"] == str(announcement_id)
        assert payload["read"] is False
        assert "Hello everyone" in payload["content"]

        url = f"/api/v1/announcements/{announcement_id}/reactions/👍"
        assert (await client.put(url, headers=bob.auth)).status_code == 200
        name, data = await source.event()
        assert name == "announcement.reaction"
        assert json.loads(data) == {
            "name": "👍",
            "count": 1,
            "announcement_id": str(announcement_id),
        }

        await do_delete_announcement(roost.db, announcement_id)
        assert await source.event() == ("announcement.delete", str(announcement_id))
