"""Mastodon.py finds posts and people against a real `roost serve`: full-text search with
operators, endorsements, notes, familiar followers, the directory, suggestions and
domain blocks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.server import Server, roost_server
from tests.e2e.test_mastodon_py import login

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with roost_server(tmp_path_factory.mktemp("mastodon_py_discovery")) as s:
        yield s


def test_people(server: Server) -> None:
    from mastodon import MastodonAPIError

    for name in ("eva", "fay", "gus"):
        server.cli("users", "create", name, "--email", f"{name}@example.com",
                   "--password", f"{name}-pw-123")  # fmt: skip
    eva, fay, gus = (login(server, n, f"{n}-pw-123") for n in ("eva", "fay", "gus"))
    fay_id = fay.account_verify_credentials().id
    gus_id = gus.account_verify_credentials().id

    with pytest.raises(MastodonAPIError, match="following"):
        eva.account_endorse(fay_id)
    eva.account_follow(fay_id)
    assert eva.account_endorse(fay_id).endorsed is True
    assert [a.id for a in eva.endorsements()] == [fay_id]
    assert eva.account_note_set(fay_id, "Knows about caches").note == "Knows about caches"
    assert eva.account_relationships(fay_id)[0].note == "Knows about caches"

    fay.account_follow(gus_id)
    familiar = eva.account_familiar_followers(gus_id)
    assert [a.id for a in familiar[0].accounts] == [fay_id]
    suggested = eva.suggestions_v2()
    assert suggested[0].account.id == gus_id
    assert suggested[0].sources == ["friends_of_friends"]
    assert eva.suggestions()[0].id == gus_id  # the accounts, unpacked
    eva.suggestion_delete(gus_id)
    assert gus_id not in [a.id for a in eva.suggestions()]
    assert {a.username for a in eva.directory(order="new")} >= {"eva", "fay", "gus"}

    eva.domain_block("spam.example")
    assert eva.domain_blocks() == ["spam.example"]
    eva.domain_unblock("spam.example")
    assert eva.domain_blocks() == []


def test_search(server: Server) -> None:
    from mastodon import MastodonAPIError

    for name in ("hal", "ivy"):
        server.cli("users", "create", name, "--email", f"{name}@example.com",
                   "--password", f"{name}-pw-123")  # fmt: skip
    hal, ivy = (login(server, n, f"{n}-pw-123") for n in ("hal", "ivy"))
    tide = hal.status_post("Low tide at the harbour this morning")
    reply = ivy.status_post("The harbour seals were out", in_reply_to_id=tide.id)
    hal.status_post("High tide, no seals", visibility="private")
    found = ivy.search_v2("harbour", result_type="statuses")
    assert {s.id for s in found.statuses} == {tide.id, reply.id}
    assert [s.id for s in ivy.search_v2("harbour from:hal").statuses] == [tide.id]
    assert [s.id for s in ivy.search_v2("harbour is:reply").statuses] == [reply.id]
    assert [s.id for s in ivy.search_v2('"harbour seals"').statuses] == [reply.id]
    assert [s.id for s in ivy.search_v2("harbour -seals").statuses] == [tide.id]
    assert ivy.search_v2("seals", result_type="statuses").statuses[0].id == reply.id
    with pytest.raises(MastodonAPIError, match="has:"):
        ivy.search_v2("harbour has:boats")


def test_trends_reviewed_by_the_operator(tmp_path_factory: pytest.TempPathFactory) -> None:
    """trending_tags and trending_statuses with ROOST_TRENDS_REVIEW=1: nothing trends until
    `roost trends approve`; `roost search reindex` runs against the live instance."""
    with roost_server(tmp_path_factory.mktemp("trends"), ROOST_TRENDS_REVIEW="1") as s:
        names = ("jo", "kai", "lu")
        for name in names:
            s.cli("users", "create", name, "--email", f"{name}@example.com",
                  "--password", f"{name}-pw-123")  # fmt: skip
        jo, kai, lu = (login(s, n, f"{n}-pw-123") for n in names)
        loved = jo.status_post("Sunrise over the #dunes")
        for fan in (kai, lu):
            fan.status_post("The #dunes at dawn")
            fan.status_favourite(loved.id)
        assert jo.trending_tags() == []
        assert jo.trending_statuses() == []
        assert "#dunes" in s.cli("trends", "list")
        s.cli("trends", "approve", "tag", "dunes")
        s.cli("trends", "approve", "status", str(loved.id))
        tags = jo.trending_tags()
        assert [t.name for t in tags] == ["dunes"]
        assert tags[0].history[0].accounts == "3"
        assert [st.id for st in kai.trending_statuses()] == [loved.id]
        s.cli("trends", "reject", "tag", "dunes")
        assert jo.trending_tags() == []
        assert "Indexed" not in s.cli("search", "reindex")  # the count goes to the console
        assert [st.id for st in lu.search_v2("sunrise").statuses] == [loved.id]


def test_lists(server: Server) -> None:
    """list_create, list_accounts_add, timeline_list, account_lists, list_update and
    list_delete, as a client keeps its lists."""
    for name in ("mo", "ned", "oz"):
        server.cli("users", "create", name, "--email", f"{name}@example.com",
                   "--password", f"{name}-pw-123")  # fmt: skip
    mo, ned, oz = (login(server, n, f"{n}-pw-123") for n in ("mo", "ned", "oz"))
    ned_id = ned.account_verify_credentials().id
    oz_id = oz.account_verify_credentials().id
    mo.account_follow(ned_id)
    mo.account_follow(oz_id)
    made = mo.list_create("Close friends", replies_policy="followed")
    mo.list_accounts_add(made.id, [ned_id])
    in_list = ned.status_post("Only ned is in the list")
    oz.status_post("Oz is not")
    assert [s.id for s in mo.timeline_list(made.id)] == [in_list.id]
    assert [a.id for a in mo.list_accounts(made.id)] == [ned_id]
    assert [x.id for x in mo.account_lists(ned_id)] == [made.id]
    assert mo.list_update(made.id, "Friends", exclusive=True).exclusive is True
    ned.status_post("Ned, now out of home")
    assert "Ned, now out of home" not in str([s.content for s in mo.timeline_home()])
    assert "Ned, now out of home" in mo.timeline_list(made.id)[0].content
    mo.list_delete(made.id)
    assert mo.lists() == []
