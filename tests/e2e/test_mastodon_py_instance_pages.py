"""Mastodon.py against a real `roost serve`: announcements (published with `roost
announce`), their reactions and dismissal, the instance's activity, peers, NodeInfo and
texts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mastodon import Mastodon, MastodonNotFoundError

from tests.e2e.server import Server, roost_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with roost_server(tmp_path_factory.mktemp("mastodon_py_instance_pages")) as s:
        yield s


def client(server: Server, name: str) -> Mastodon:
    server.cli("users", "create", name, "--email", f"{name}@example.com")
    token = server.cli("tokens", "create", name, "--scopes", "read write follow").strip()
    return Mastodon(access_token=token.split()[-1], api_base_url=server.url)


def test_announcements(server: Server) -> None:
    ana = client(server, "ana")
    ben = client(server, "ben")
    assert ana.announcements() == []
    server.cli("announce", "Welcome to Roost, @ana! #hello")
    server.cli("announce", "Not yet", "--draft")

    (a,) = ana.announcements()
    assert "Welcome to Roost" in a.content
    assert a.read is False
    assert [m.acct for m in a.mentions] == ["ana"]
    assert [t["name"] for t in a.tags] == ["hello"]  # Mastodon.py keeps {name, url} a dict

    ana.announcement_reaction_create(a.id, "🎉")
    ben.announcement_reaction_create(a.id, "🎉")
    (a,) = ana.announcements()
    assert [(r.name, r.count, r.me) for r in a.reactions] == [("🎉", 2, True)]
    ana.announcement_reaction_delete(a.id, "🎉")
    (a,) = ben.announcements()
    assert [(r.name, r.count, r.me) for r in a.reactions] == [("🎉", 1, True)]

    ana.announcement_dismiss(a.id)
    assert ana.announcements()[0].read is True
    assert ben.announcements()[0].read is False
    with pytest.raises(MastodonNotFoundError):
        ana.announcement_dismiss("123456")


def test_instance_activity_and_nodeinfo(server: Server) -> None:
    cat = client(server, "cat")
    cat.status_post("hello from cat")
    weeks = cat.instance_activity()
    assert len(weeks) == 12
    assert int(weeks[0].statuses) >= 1
    assert int(weeks[0].registrations) >= 1
    assert cat.instance_peers() == []

    info = cat.instance_nodeinfo()
    assert info.software.name == "roost"
    assert info.protocols == []
    assert info.usage.users.total >= 1
    assert info.usage.localPosts >= 1
    assert info.openRegistrations is True

    assert cat.instance_extended_description().content == ""
    with pytest.raises(MastodonNotFoundError):
        cat.instance_terms_of_service()
