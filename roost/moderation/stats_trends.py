"""Reviewing trends, for staff who manage taxonomies: every hashtag, post and link that
ranks (reviewed or not, rejected too, so a rejection can be undone), with what staff
decided, in Mastodon's admin shapes (Admin::Tag; Status and Trends::Link with
`requires_review`). Approving and rejecting is roost.trends.actions.do_review."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from roost.cache import Cache
from roost.cards.entities import TrendsLink
from roost.cards.render import cards_by_id
from roost.db import Database
from roost.media.storage import MediaStorage
from roost.moderation.staff import Staff, check_can
from roost.search.entities import Tag
from roost.statuses.entities import Status
from roost.trends.links import render_links
from roost.trends.queries import review_candidates

KINDS = ("tag", "status", "link")


class AdminTag(Tag, kw_only=True):
    """Admin::Tag: a hashtag with what staff decided. Roost has no per-tag `usable` or
    `listable` switch: every hashtag may be used and listed."""

    trendable: bool
    usable: bool  # fields without a default: Tag omits defaults, Mastodon sends these
    requires_review: bool
    listable: bool


class AdminTrendStatus(Status, kw_only=True):
    requires_review: bool


class AdminTrendsLink(TrendsLink, kw_only=True):
    id: str
    requires_review: bool


Decisions = dict[int, bool | None]  # id -> approved, rejected, or None: not yet reviewed


async def access_trend_candidates(
    db: Database, cache: Cache, actor: Staff, kind: str, *, limit: int, offset: int = 0
) -> tuple[list[int], Decisions]:
    """A page of what ranks as trending of `kind` (tag, status, link), the strongest
    first, and the review decision of each, for staff with `manage_taxonomies`."""
    check_can(actor, "manage_taxonomies")
    ranked = (await review_candidates(db, cache, kind))[offset : offset + limit]
    return [i for i, _ in ranked], dict(ranked)


def check_reviewer(actor: Staff) -> None:
    """Forbidden unless the actor may review trends."""
    check_can(actor, "manage_taxonomies")


def trendable(decision: bool | None, review: bool) -> bool:
    """Whether it may trend: as decided, else unless trends wait for review."""
    return (not review) if decision is None else decision


def admin_tags(tags: Sequence[Tag], decisions: Decisions, review: bool) -> list[AdminTag]:
    return [
        AdminTag(
            **msgspec.structs.asdict(t),
            trendable=trendable(decisions.get(int(t.id)), review),
            requires_review=decisions.get(int(t.id)) is None,
            usable=True,
            listable=True,
        )
        for t in tags
    ]


def admin_statuses(statuses: Sequence[Status], decisions: Decisions) -> list[AdminTrendStatus]:
    return [
        AdminTrendStatus(
            **msgspec.structs.asdict(s), requires_review=decisions.get(int(s.id)) is None
        )
        for s in statuses
    ]


async def render_admin_links(
    db: Database, storage: MediaStorage, ids: Sequence[int], decisions: Decisions
) -> list[AdminTrendsLink]:
    """The link cards `ids` (those that still exist), in that order, with their history
    and review state (three queries)."""
    found = list(await cards_by_id(db, ids))
    kept = [i for i in ids if i in found]
    return [
        AdminTrendsLink(
            **msgspec.structs.asdict(link),
            id=str(card_id),
            requires_review=decisions.get(card_id) is None,
        )
        for link, card_id in zip(await render_links(db, storage, kept), kept, strict=True)
    ]
