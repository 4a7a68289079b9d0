"""Rendering statuses in batches, through the rendered-status cache.

What is the same for every viewer (content, mentions, tags, counts) is cached per status
as msgspec JSON under `s:{id}`; accounts (whose counts change all the time) and the
viewer's own flags are read fresh on every page. Writes that change a status's rendering
invalidate its key after commit (`Transaction.invalidate`); an invalidated key holds a
short-lived marker that a concurrent reader's fill cannot overwrite, so a render started
before the write can never put the old version back. Each invalidation leaves a marker of
its own (`MARKER` and a random suffix): a reader that has read the database under one
marker knows that no write has committed since while the same marker is there
(roost.filters.queries keeps its copy of a viewer's filters so).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec
import sqlalchemy as sa

from roost.accounts.entities import Account, CustomEmoji
from roost.accounts.queries import render_authors
from roost.accounts.tables import accounts
from roost.cache import Cache
from roost.cache.metrics import STATUS_HITS, STATUS_MISSES
from roost.cards.entities import PreviewCard
from roost.cards.render import card_entity, cards_by_id
from roost.db import Database
from roost.emojis.queries import emojis_by_shortcode, shortcodes_in
from roost.media.attach import media_of_statuses
from roost.media.entities import MediaAttachment
from roost.media.render import render_attachment
from roost.media.storage import MediaStorage
from roost.oauth.tables import apps
from roost.polls.entities import Poll
from roost.polls.render import CachedPoll, ballots, for_viewer, polls_by_id
from roost.statuses.approval import quote_approval
from roost.statuses.entities import (
    Quote,
    Status,
    StatusApplication,
    StatusMention,
    StatusTag,
)
from roost.statuses.searchable import searchable_text
from roost.statuses.tables import (
    mentions,
    status_tags,
    statuses,
    tags,
)
from roost.statuses.viewer_flags import Quotable, viewer_state
from roost.timeutil import iso, iso_or_none, utcnow

STATUS_TTL = 600.0  # seconds; a safety net, invalidation is what keeps entries right
MARKER = b"-"  # an invalidated key holds this, then its invalidation's own suffix
MARKER_TTL = 10.0  # longer than any render takes between its read and its fill
_STATUS_COLUMNS = [*statuses.c, apps.c.name.label("app_name"), apps.c.website.label("app_website")]


class Core(msgspec.Struct, array_like=True):
    """The viewer-independent part of a status, as cached."""

    account_id: int
    reblog_of_id: int | None
    status: Status
    poll: CachedPoll | None = None  # its counts; the viewer's part is added per render
    quote_policy: str = "public"  # who may quote it (public, followers, nobody)
    # What muted words are searched in (roost.statuses.searchable); None in a core cached
    # before it was kept.
    text: str | None = None


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(Core).decode


def status_key(status_id: int) -> str:
    return f"s:{status_id}"


def is_marker(raw: bytes) -> bool:
    """Whether a cached value is an invalidation's marker (no cached JSON starts so)."""
    return raw[:1] == MARKER


async def invalidate(cache: Cache, keys: list[str]) -> None:
    """Mark keys invalid (the instance does it with each committed transaction's stale keys)."""
    marker = MARKER + secrets.token_hex(8).encode()
    await cache.set_many(dict.fromkeys(keys, marker), MARKER_TTL)


async def render_statuses(
    db: Database,
    viewer_id: int | None,
    ids: Sequence[int],
    base_url: str,
    cache: Cache,
    quotable: Quotable | None = None,
    storage: MediaStorage | None = None,
    texts: dict[str, str] | None = None,
) -> list[Status]:
    """Status entities for `ids` in that order, with a fixed number of queries however many.
    With `texts`, each rendered status's (and boosted post's) searchable text is put in it
    by id, from the cores: what filters match (roost.filters.matching).

    Only `StatusRenderer` (roost.statuses.renderer) calls this, with ids the viewer may see.
    Queries: statuses + mentions + tags (+ polls, + media) only for cache misses, accounts,
    and one for the viewer's own favourites / reblogs / bookmarks / pins, their ballots in
    the page's polls and (with `quotable`) which of the quoted posts they may see: each
    standing quote carries its quoted post, rendered in the same batch.
    """
    if not ids:
        return []
    id_list = list(dict.fromkeys(ids))
    cores: dict[int, Core] = {}
    markers: dict[int, bytes] = {}  # the invalidation markers read where a core was missing

    async def load(wanted: list[int]) -> None:
        cores.update(await _cached(cache, wanted, markers))
        originals = {c.reblog_of_id for c in cores.values() if c.reblog_of_id is not None}
        cores.update(await _cached(cache, list(originals - cores.keys()), markers))
        missing = [i for i in [*wanted, *originals] if i not in cores]
        if missing:
            built = await _build(db, missing, base_url, storage)
            cores.update(built)
            # Read after the marker was: it replaces that marker (and no newer one), so a
            # post liked every second is not rebuilt by every read until markers expire.
            swaps = {
                status_key(k): (markers[k], _encode(v)) for k, v in built.items() if k in markers
            }
            fresh = {status_key(k): _encode(v) for k, v in built.items() if k not in markers}
            if swaps:
                await cache.swap_many(swaps, STATUS_TTL)
            if fresh:
                await cache.add_many(fresh, STATUS_TTL)

    await load(id_list)
    # One query for what the viewer did to these posts, their ballots, and which of the
    # quoted posts they may see; those are then loaded (from the cache, mostly).
    wanted = [q for c in cores.values() if (q := _quoted_id(c)) is not None]
    state = await viewer_state(
        db, viewer_id, [*cores, *wanted], _poll_ids(cores.values()), wanted, quotable
    )
    seen, flags, own_ballots = state.quotable, state.flags, state.ballots
    if seen - cores.keys():
        await load(list(seen - cores.keys()))
        more = [p for p in _poll_ids(cores[i] for i in seen) if p not in own_ballots]
        own_ballots |= await ballots(db, viewer_id, more)  # a quoted poll: rare
    authors, sensitized = await render_authors(db, {c.account_id for c in cores.values()}, base_url)
    now = utcnow()

    # No closure here may call itself: that cycle kept each page alive for the cyclic GC.
    def plain(sid: int, reblog: Status | None) -> Status | None:
        core = cores.get(sid)
        account = authors.get(core.account_id) if core is not None else None
        if core is None or account is None:
            return None
        own = ("f", sid) in flags, ("r", sid) in flags, ("b", sid) in flags, ("m", sid) in flags
        if reblog is not None:
            # A reblog shows the original's flags: that is what a client's buttons act on.
            own = (bool(reblog.favourited), bool(reblog.reblogged), bool(reblog.bookmarked),
                   bool(reblog.muted))  # fmt: skip
        pinned = core.account_id == viewer_id and ("p", sid) in flags
        poll = None
        if core.poll is not None:
            ballot = own_ballots.get(int(core.poll.poll.id))
            poll = for_viewer(core.poll, viewer_id, ballot, now)
        status = complete(core, account, base_url, viewer_id, own, pinned, reblog, poll)
        forced = core.account_id in sensitized and core.account_id != viewer_id  # by a moderator
        return msgspec.structs.replace(status, sensitive=True) if forced else status

    def finish(sid: int, reblog: Status | None) -> Status | None:
        status = plain(sid, reblog)
        if status is None or quotable is None or status.quote is None:
            return status
        # The quoted post, as the viewer may see it (its own quote stays shallow).
        quote, target = status.quote, _quoted_id(cores[sid])
        inner = None if target is None or target not in seen else plain(target, None)
        state = "unauthorized" if quote.state == "accepted" and inner is None else quote.state
        return msgspec.structs.replace(status, quote=Quote(state=state, quoted_status=inner))

    out: list[Status] = []
    for sid in id_list:
        core = cores.get(sid)
        if core is None:
            continue
        original = None
        if core.reblog_of_id is not None:
            original = finish(core.reblog_of_id, None)
            if original is None:
                continue
        status = finish(sid, original)
        if status is not None:
            out.append(status)
    if texts is not None:
        for core in cores.values():
            text = core.text
            if text is None:
                text = searchable_text(core.status, None if core.poll is None else core.poll.poll)
            texts[core.status.id] = text
    return out


def _poll_ids(cores: Iterable[Core]) -> list[int]:
    return [int(c.poll.poll.id) for c in cores if c.poll is not None]


def complete(
    core: Core,
    account: Account,
    base_url: str,
    viewer_id: int | None,
    own: tuple[bool, bool, bool, bool],
    pinned: bool,
    reblog: Status | None = None,
    poll: Poll | None = None,
) -> Status:
    """A cached core made whole for a viewer: its account, its addresses, the boosted
    original, the viewer's own (favourited, reblogged, bookmarked, muted) flags and pin, and its
    poll as the viewer sees it now."""
    sid = core.status.id
    anonymous = viewer_id is None
    return msgspec.structs.replace(
        core.status,
        account=account,
        uri=f"{base_url}/users/{account.username}/statuses/{sid}",
        url=None if reblog is not None else f"{base_url}/@{account.username}/{sid}",
        reblog=reblog,
        favourited=None if anonymous else own[0],
        reblogged=None if anonymous else own[1],
        bookmarked=None if anonymous else own[2],
        muted=None if anonymous else own[3],
        pinned=None if anonymous or core.account_id != viewer_id else pinned,
        poll=poll,
        quote_approval=None
        if reblog is not None
        else quote_approval(core.quote_policy, core.account_id, core.status.visibility, viewer_id),
    )


def mention_entity(account_id: int, username: str, base_url: str) -> StatusMention:
    return StatusMention(
        id=str(account_id), username=username, acct=username, url=f"{base_url}/@{username}"
    )


def tag_entity(name: str, base_url: str) -> StatusTag:
    return StatusTag(name=name, url=f"{base_url}/tags/{name}")


async def _cached(
    cache: Cache, ids: list[int], markers: dict[int, bytes] | None = None
) -> dict[int, Core]:
    """The cached cores of `ids`; the invalidation markers found put in `markers`."""
    if not ids:
        return {}
    found = {}
    for sid, raw in zip(ids, await cache.get_many([status_key(i) for i in ids]), strict=True):
        if raw is None:
            continue
        if not is_marker(raw):
            found[sid] = _decode(raw)
        elif markers is not None:
            markers[sid] = raw
    STATUS_HITS.inc(len(found))
    STATUS_MISSES.inc(len(ids) - len(found))
    return found


async def _build(
    db: Database, ids: list[int], base_url: str, storage: MediaStorage | None
) -> dict[int, Core]:
    """Cores of `ids` and of the originals they reblog, from SQL (three queries, and one
    each for their polls, media and link cards when some have them). Without `storage`
    (tests of the renderer alone) media and cards are left out."""
    join = statuses.outerjoin(apps, apps.c.id == statuses.c.app_id)
    originals = sa.select(statuses.c.reblog_of_id).where(
        statuses.c.id.in_(ids), statuses.c.reblog_of_id.isnot(None)
    )
    rows = await db.fetch_all(
        sa.select(*_STATUS_COLUMNS)
        .select_from(join)
        .where(sa.or_(statuses.c.id.in_(ids), statuses.c.id.in_(originals)))
    )
    all_ids = [r.id for r in rows]
    mentions_of: dict[int, list[StatusMention]] = {}
    for m in await db.fetch_all(
        sa.select(mentions.c.status_id, accounts.c.id, accounts.c.username)
        .select_from(mentions.join(accounts, accounts.c.id == mentions.c.account_id))
        .where(mentions.c.status_id.in_(all_ids))
    ):
        mentions_of.setdefault(m.status_id, []).append(mention_entity(m.id, m.username, base_url))
    codes = {r.id: shortcodes_in(r.spoiler_text, r.text) for r in rows if r.reblog_of_id is None}
    known = await emojis_by_shortcode(db, list({c for cs in codes.values() for c in cs}))
    tags_of: dict[int, list[StatusTag]] = {}
    for t in await db.fetch_all(
        sa.select(status_tags.c.status_id, tags.c.name)
        .select_from(status_tags.join(tags, tags.c.id == status_tags.c.tag_id))
        .where(status_tags.c.status_id.in_(all_ids))
    ):
        name = t.name.lower()
        tags_of.setdefault(t.status_id, []).append(tag_entity(name, base_url))
    polls = await polls_by_id(db, [r.poll_id for r in rows if r.poll_id is not None])
    media = await media_of_statuses(db, [r.id for r in rows if r.media_count])
    cards = await cards_by_id(db, [r.card_id for r in rows if r.card_id is not None])
    return {
        r.id: core_of(
            r,
            mentions_of.get(r.id, []),
            tags_of.get(r.id, []),
            [known[c] for c in codes.get(r.id, []) if c in known],
            None if r.poll_id is None else polls.get(r.poll_id),
            [render_attachment(m, storage) for m in media.get(r.id, ())] if storage else [],
            card_entity(cards[r.card_id], storage.url) if storage and r.card_id in cards else None,
        )
        for r in rows
    }


def core_of(
    row: Any,
    mentions: list[StatusMention],
    tags: list[StatusTag],
    emojis: list[CustomEmoji] | None = None,
    poll: CachedPoll | None = None,
    media: list[MediaAttachment] | None = None,
    card: PreviewCard | None = None,
) -> Core:
    """The cached core of a statuses row (with the app's `app_name`, `app_website`), the
    custom emojis its text uses, its poll, its media attachments and its link card."""
    sid = row.id
    is_reblog = row.reblog_of_id is not None
    status = Status(
        id=str(sid),
        uri="",
        url=None,
        created_at=iso(row.created_at),
        edited_at=iso_or_none(row.edited_at),
        account=_placeholder(),
        content="" if is_reblog else row.content,
        visibility=row.visibility,
        sensitive=bool(row.sensitive),
        spoiler_text=row.spoiler_text,
        media_attachments=media or [],
        card=card,
        application=None
        if row.app_name is None
        else StatusApplication(name=row.app_name, website=row.app_website),
        mentions=mentions,
        tags=tags,
        emojis=emojis or [],
        reblogs_count=row.reblogs_count,
        favourites_count=row.favourites_count,
        replies_count=row.replies_count,
        quotes_count=row.quotes_count,
        quote=None if row.quote_of_id is None else shallow_quote(row.quote_of_id, row.quote_state),
        in_reply_to_id=None if row.in_reply_to_id is None else str(row.in_reply_to_id),
        in_reply_to_account_id=None
        if row.in_reply_to_account_id is None
        else str(row.in_reply_to_account_id),
        reblog=None,
        language=row.language,
    )
    return Core(
        account_id=row.account_id,
        reblog_of_id=row.reblog_of_id,
        status=status,
        poll=poll,
        quote_policy=row.quote_policy,
        text=searchable_text(status, None if poll is None else poll.poll),
    )


def _quoted_id(core: Core) -> int | None:
    """The post a standing quote quotes."""
    quote = core.status.quote
    if quote is None or quote.state != "accepted" or not isinstance(quote.quoted_status_id, str):
        return None
    return int(quote.quoted_status_id)


def shallow_quote(quoted_id: int, state: str | None) -> Quote:
    """A quote as the cache keeps it (Mastodon's ShallowQuote): the quoted post's id only
    while the quote stands."""
    state = state or "accepted"
    return Quote(state=state, quoted_status_id=str(quoted_id) if state == "accepted" else None)


def _placeholder() -> Any:
    """The cached core carries no account (accounts are read fresh); this stands in."""
    return Account(
        id="", username="", acct="", url="", uri="", display_name="", note="", avatar="",
        avatar_static="", header="", header_static="", locked=False, fields=[], emojis=[],
        bot=False, group=False, discoverable=None, indexable=False, hide_collections=None,
        noindex=None, created_at="", last_status_at=None, statuses_count=0,
        followers_count=0, following_count=0,
    )  # fmt: skip
