"""A scripted session with Mastodon.py, a real client, against a real `roost serve`."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from mastodon import Mastodon

from tests.e2e.server import Server, roost_server

pytestmark = pytest.mark.e2e
REDIRECT = "http://127.0.0.1/callback"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with roost_server(tmp_path_factory.mktemp("mastodon_py")) as s:
        yield s


def authorize_in_browser(auth_url: str, username: str, password: str) -> str:
    """Do what a person does on the consent page: log in and press Authorize."""
    with httpx.Client(follow_redirects=False) as browser:
        page = browser.get(auth_url)
        assert page.status_code == 200, page.text
        form = {
            m.group(1): m.group(2)
            for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.text)
        }
        form.update({"username": username, "password": password, "decision": "approve"})
        action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
        target = httpx.URL(auth_url).join(action.group(1).replace("&amp;", "&") if action else "")
        answer = browser.post(target, data=form)
        assert answer.status_code in (302, 303), answer.text
        location = answer.headers["location"]
        assert location.startswith(REDIRECT)
        return parse_qs(urlparse(location).query)["code"][0]


def login(server: Server, username: str, password: str) -> Mastodon:
    client_id, client_secret = Mastodon.create_app(
        "roost-e2e", api_base_url=server.url, redirect_uris=REDIRECT
    )
    app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server.url)
    url = app.auth_request_url(redirect_uris=REDIRECT, allow_http=True)
    code = authorize_in_browser(url, username, password)
    app.log_in(code=code, redirect_uri=REDIRECT, allow_http=True)
    return app


def test_scripted_session(server: Server) -> None:
    passwords = {}
    for name in ("ana", "ben", "cat"):
        passwords[name] = server.cli("users", "create", name, "--email", f"{name}@example.com")
    pw = {n: p.split("Password:", 1)[1].strip() for n, p in passwords.items()}
    server.cli("users", "create", "lou", "--email", "lou@example.com", "--password", "secret-pw-1")

    ana = login(server, "ana", pw["ana"])
    ben = login(server, "ben", pw["ben"])
    lou = login(server, "lou", "secret-pw-1")
    me = ana.account_verify_credentials()
    assert me.username == "ana"
    ben_id = ben.account_verify_credentials().id

    # Follow / relationships / unfollow.
    rel = ana.account_follow(ben_id)
    assert rel.following is True
    assert ana.account_relationships(ben_id)[0].following is True

    # Posting, a mention that notifies, and a thread's context.
    root = ben.status_post("First post from ben #hello")
    reply = ana.status_post("@ben welcome!", in_reply_to_id=root.id)
    notes = ben.notifications()
    assert any(n.type == "mention" and n.status.id == reply.id for n in notes)
    context = ana.status_context(root.id)
    assert [s.id for s in context.descendants] == [reply.id]
    assert [s.id for s in ana.status_context(reply.id).ancestors] == [root.id]

    # Page the home timeline through its Link headers, both ways.
    for i in range(5):
        ben.status_post(f"post number {i}")
    first = ana.timeline_home(limit=3)
    assert len(first) == 3
    second = ana.fetch_next(first)
    assert second is not None
    assert len(second) == 3
    assert min(s.id for s in first) > max(s.id for s in second)
    back = ana.fetch_previous(second)
    assert back is not None
    assert [s.id for s in back] == [s.id for s in first]

    # Favourite, reblog, bookmark, and undo each.
    assert ana.status_favourite(root.id).favourited is True
    assert ana.status_reblog(root.id).reblogged is True
    assert ana.status_bookmark(root.id).bookmarked is True
    assert ana.status(root.id).favourites_count == 1
    assert ana.status_unfavourite(root.id).favourited is False
    assert ana.status_unreblog(root.id).reblogged is False
    assert ana.status_unbookmark(root.id).bookmarked is False
    kinds = {n.type for n in ben.notifications()}
    assert "mention" in kinds

    # A locked account's follow request, accepted.
    lou.account_update_credentials(locked=True)
    lou_id = lou.account_verify_credentials().id
    assert ana.account_follow(lou_id).requested is True
    requests = lou.follow_requests()
    assert [a.username for a in requests] == ["ana"]
    lou.follow_request_authorize(me.id)
    assert ana.account_relationships(lou_id)[0].following is True

    # Account statuses and unfollow.
    mine = ana.account_statuses(me.id)
    assert reply.id in [s.id for s in mine]
    assert ana.account_unfollow(ben_id).following is False

    # Delete.
    deleted = ana.status_delete(reply.id)
    assert deleted.text == "@ben welcome!"
    assert reply.id not in [s.id for s in ana.account_statuses(me.id)]


def test_polls(server: Server) -> None:
    """status_post(poll=...), poll, poll_vote, and what a refused vote raises."""
    from mastodon import MastodonAPIError

    server.cli("users", "create", "pia", "--email", "pia@example.com", "--password", "pia-pw-123")
    server.cli("users", "create", "rui", "--email", "rui@example.com", "--password", "rui-pw-123")
    pia = login(server, "pia", "pia-pw-123")
    rui = login(server, "rui", "rui-pw-123")

    poll = pia.make_poll(["Mountains", "Sea", "City"], expires_in=3600, multiple=True)
    status = pia.status_post("Holidays?", poll=poll)
    assert [o.title for o in status.poll.options] == ["Mountains", "Sea", "City"]
    assert status.poll.multiple is True
    assert status.poll.expired is False

    voted = rui.poll_vote(status.poll.id, [0, 2])
    assert voted.voted is True
    assert voted.own_votes == [0, 2]
    assert (voted.votes_count, voted.voters_count) == (2, 1)
    assert [o.votes_count for o in pia.poll(status.poll.id).options] == [1, 0, 1]
    assert rui.status(status.id).poll.own_votes == [0, 2]
    with pytest.raises(MastodonAPIError, match="already voted"):
        rui.poll_vote(status.poll.id, 1)
    with pytest.raises(MastodonAPIError, match="your own polls"):
        pia.poll_vote(status.poll.id, 1)

    single = pia.status_post("One only", poll=pia.make_poll(["a", "b"], expires_in=300))
    assert rui.poll_vote(single.poll.id, 1).own_votes == [1]
    instance = rui.instance()
    assert instance.configuration.polls.max_options == 4


def test_edits(server: Server) -> None:
    """status_update, status_history and status_source, as a client edits a post."""
    server.cli("users", "create", "eve", "--email", "eve@example.com", "--password", "eve-pw-123")
    eve = login(server, "eve", "eve-pw-123")
    status = eve.status_post("Helo wrold")
    edited = eve.status_update(status.id, "Hello world", spoiler_text="greeting")
    assert edited.id == status.id
    assert edited.edited_at is not None
    assert "Hello world" in edited.content
    assert edited.spoiler_text == "greeting"
    history = eve.status_history(status.id)
    assert ["Helo" in h.content for h in history] == [True, False]
    assert eve.status_source(status.id).text == "Hello world"
    with_poll = eve.status_post("Pick", poll=eve.make_poll(["x", "y"], expires_in=600))
    changed = eve.status_update(
        with_poll.id, "Pick again", poll=eve.make_poll(["x", "y", "z"], expires_in=600)
    )
    assert [o.title for o in changed.poll.options] == ["x", "y", "z"]


def test_scheduled_posts(server: Server) -> None:
    """status_post(scheduled_at=...), then scheduled_statuses, scheduled_status_update and
    scheduled_status_delete, as a client schedules a post for the morning."""
    from datetime import UTC, datetime, timedelta

    from mastodon import MastodonAPIError

    server.cli("users", "create", "sam", "--email", "sam@example.com", "--password", "sam-pw-123")
    sam = login(server, "sam", "sam-pw-123")
    when = (datetime.now(UTC) + timedelta(hours=10)).replace(microsecond=0)
    scheduled = sam.status_post(
        "Good morning", scheduled_at=when, poll=sam.make_poll(["tea", "coffee"], expires_in=600)
    )
    assert scheduled.scheduled_at == when
    assert scheduled.params.text == "Good morning"
    assert scheduled.params.poll.options == ["tea", "coffee"]
    assert [s.id for s in sam.scheduled_statuses()] == [scheduled.id]
    assert sam.scheduled_status(scheduled.id).params.visibility == "public"
    assert sam.account_statuses(sam.me()) == []
    later = when + timedelta(hours=2)
    assert sam.scheduled_status_update(scheduled.id, later).scheduled_at == later
    with pytest.raises(MastodonAPIError, match="must be in the future"):
        sam.status_post("Too soon", scheduled_at=datetime.now(UTC) + timedelta(minutes=1))
    sam.scheduled_status_delete(scheduled.id)
    assert sam.scheduled_statuses() == []


def test_quotes(server: Server) -> None:
    """status_post(quoted_status_id=...), status_quotes, status_quote_revoke."""
    server.cli("users", "create", "qia", "--email", "qia@example.com", "--password", "qia-pw-123")
    server.cli("users", "create", "qwe", "--email", "qwe@example.com", "--password", "qwe-pw-123")
    qia = login(server, "qia", "qia-pw-123")
    qwe = login(server, "qwe", "qwe-pw-123")
    original = qia.status_post("Quotable words")
    quote = qwe.status_post("Indeed", quoted_status_id=original.id)
    assert quote.quote.state == "accepted"
    assert quote.quote.quoted_status.id == original.id
    assert [s.id for s in qia.status_quotes(original.id)] == [quote.id]
    assert qia.status(original.id).quotes_count == 1
    revoked = qia.status_quote_revoke(original.id, quote.id)
    assert revoked.quote.state == "revoked"


def test_conversations_and_muted_threads(server: Server) -> None:
    """conversations, conversations_read, status_mute: direct messages as a client sees them."""
    server.cli("users", "create", "dia", "--email", "dia@example.com", "--password", "dia-pw-123")
    server.cli("users", "create", "dom", "--email", "dom@example.com", "--password", "dom-pw-123")
    dia = login(server, "dia", "dia-pw-123")
    dom = login(server, "dom", "dom-pw-123")
    # dom follows dia: a stranger's private mention would wait among the filtered ones.
    dom.account_follow(dia.account_verify_credentials().id)
    note = dia.status_post("@dom just between us", visibility="direct")
    [conversation] = dom.conversations()
    assert conversation.unread is True
    assert conversation.last_status.id == note.id
    assert [a.acct for a in conversation.accounts] == ["dia"]
    assert dom.conversations_read(conversation.id).unread is False
    assert dom.status_mute(note.id).muted is True
    later = dia.status_post("@dom still there?", visibility="direct", in_reply_to_id=note.id)
    mentions = [n.status.id for n in dom.notifications() if n.type == "mention"]
    assert mentions == [note.id]  # nothing since the thread was muted
    assert later.id not in mentions


def test_grouped_notifications(server: Server) -> None:
    """grouped_notifications, fetch_next, grouped_notification(_accounts),
    unread_grouped_notifications_count, dismiss_grouped_notification."""
    for name in ("gia", "gus", "gil"):
        server.cli(
            "users", "create", name, "--email", f"{name}@example.com", "--password", "pw-12345"
        )
    gia, gus, gil = (login(server, n, "pw-12345") for n in ("gia", "gus", "gil"))
    gia_id = gia.account_verify_credentials().id
    post = gia.status_post("Like me twice")
    gus.status_favourite(post.id)
    gil.status_favourite(post.id)
    gus.account_follow(gia_id)

    results = gia.grouped_notifications()
    follow, likes = results.notification_groups
    assert (follow.type, likes.type) == ("follow", "favourite")
    assert likes.notifications_count == 2
    assert likes.status_id == post.id
    gil_id, gus_id = (c.account_verify_credentials().id for c in (gil, gus))
    assert likes.sample_account_ids == [str(gil_id), str(gus_id)]
    assert [a.id for a in results.accounts] == [gus_id, gil_id]  # each group's newest in full
    assert results.partial_accounts == []
    assert [s.id for s in results.statuses] == [post.id]

    first = gia.grouped_notifications(limit=1, expand_accounts="full")
    assert [g.type for g in first.notification_groups] == ["follow"]
    second = gia.fetch_next(first)
    assert second is not None
    assert not isinstance(second, list)  # a results entity, not a list
    assert [g.group_key for g in second.notification_groups] == [likes.group_key]

    one = gia.grouped_notification(likes.group_key)
    assert one.notification_groups[0].notifications_count == 2
    assert {a.acct for a in gia.grouped_notification_accounts(likes.group_key)} == {"gus", "gil"}

    assert gia.unread_grouped_notifications_count() == 2
    gia.markers_set("notifications", [likes.most_recent_notification_id])
    assert gia.unread_grouped_notifications_count() == 1
    gia.dismiss_grouped_notification(likes.group_key)
    assert [g.type for g in gia.grouped_notifications().notification_groups] == ["follow"]


def test_followed_and_featured_tags(server: Server) -> None:
    """tag_follow, followed_tags (paged with fetch_next), tag_unfollow, tag, and
    featured_tag_create, featured_tags, tag_feature, featured_tag_delete."""
    for name in ("tia", "tom"):
        server.cli(
            "users", "create", name, "--email", f"{name}@example.com", "--password", "pw-12345"
        )
    tia, tom = login(server, "tia", "pw-12345"), login(server, "tom", "pw-12345")
    tia.timeline_home()  # tia's home feed exists: fan-out writes into it
    followed = tia.tag_follow("Gardening")
    assert followed.name == "Gardening"
    assert followed.following is True
    tia.tag_follow("compost")
    first = tia.followed_tags(limit=1)
    assert [t.name for t in first] == ["compost"]
    second = tia.fetch_next(first)
    assert second is not None
    assert [t.name for t in second] == ["Gardening"]

    post = tom.status_post("Tomatoes are up #gardening")
    for _ in range(50):  # the fan-out job runs a moment after the post
        if post.id in [s.id for s in tia.timeline_home()]:
            break
        time.sleep(0.1)
    assert post.id in [s.id for s in tia.timeline_home()]
    assert tia.tag_unfollow("gardening").following is False
    assert [t.name for t in tia.followed_tags()] == ["compost"]
    assert tia.tag("gardening").following is False

    featured = tom.featured_tag_create("gardening")
    assert featured.name == "Gardening"  # as first written, by tia
    assert int(featured.statuses_count) == 1
    assert tom.tag_feature("compost").featuring is True
    assert sorted(t.name.lower() for t in tom.featured_tags()) == ["compost", "gardening"]
    tom.featured_tag_delete(featured)
    assert [t.name for t in tom.featured_tags()] == ["compost"]


def test_filters_v2(server: Server) -> None:
    """create_filter_v2, filters_v2, add_filter_keyword_v2, and a status's `filtered` in the
    home timeline (a `hide` filter's posts are left out)."""
    for name in ("fia", "fox"):
        server.cli(
            "users", "create", name, "--email", f"{name}@example.com", "--password", "pw-12345"
        )
    fia, fox = login(server, "fia", "pw-12345"), login(server, "fox", "pw-12345")
    fia.timeline_home()  # fia's home feed exists: fan-out writes into it
    fia.account_follow(fox.account_verify_credentials().id)
    warned = fox.status_post("Spoilers about the Finale")
    hidden = fox.status_post("More about the episode")
    for _ in range(50):  # the fan-out job runs a moment after the post
        if hidden.id in [s.id for s in fia.timeline_home()]:
            break
        time.sleep(0.1)
    made = fia.create_filter_v2(
        "No spoilers", ["home", "public"], "warn",
        keywords_attributes=[{"keyword": "finale", "whole_word": True}],
    )  # fmt: skip
    assert [k.keyword for k in made.keywords] == ["finale"]
    assert [f.id for f in fia.filters_v2()] == [made.id]
    home = {s.id: s for s in fia.timeline_home()}
    [result] = home[warned.id].filtered
    assert result.filter.id == made.id
    assert result.filter.filter_action == "warn"
    assert result.keyword_matches == ["Finale"]
    hider = fia.create_filter_v2("No episodes", ["home"], "hide")
    keyword = fia.add_filter_keyword_v2(hider, "episode", whole_word=True)
    assert keyword.keyword == "episode"
    assert hidden.id not in [s.id for s in fia.timeline_home()]
    fia.delete_filter_v2(hider)
    assert hidden.id in [s.id for s in fia.timeline_home()]
