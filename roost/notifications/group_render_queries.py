"""Rendering a page of notification groups as Mastodon's GroupedNotificationsResults: the
sample accounts, the statuses and the groups, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence

from roost.accounts.entities import Account
from roost.accounts.queries import render_accounts
from roost.moderation.warnings import NOTIFICATION_TYPE, render_warnings
from roost.notifications.entities import (
    GroupedNotificationsResults,
    NotificationGroup,
    PartialAccountWithAvatar,
)
from roost.notifications.group_queries import Group
from roost.statuses.entities import Status
from roost.statuses.renderer import StatusRenderer
from roost.statuses.visible import Visible
from roost.timeutil import iso

_STATUS_TYPES = frozenset(
    ("favourite", "reblog", "status", "mention", "poll", "update", "quote", "quoted_update")
)


async def render_groups(
    renderer: StatusRenderer,
    viewer_id: int,
    groups: Sequence[Group],
    *,
    paginated: bool = True,
    partial_avatars: bool = False,
) -> GroupedNotificationsResults:
    """GroupedNotificationsResults for `groups`, in a fixed number of queries. Groups
    whose status or every sender can no longer be shown are left out."""
    accounts = await render_accounts(
        renderer.db, {i for g in groups for i in g.sample_ids}, renderer.base_url
    )
    status_ids = [g.head.status_id for g in groups if g.head.status_id is not None]
    shown_ids = Visible(viewer_id, status_ids)
    rendered = {int(s.id): s for s in await renderer.render(shown_ids, "notifications")}
    warnings = await render_warnings(
        renderer.db, [g.head.id for g in groups if g.head.type == NOTIFICATION_TYPE],
        renderer.base_url,
    )  # fmt: skip
    out: list[NotificationGroup] = []
    statuses: dict[str, Status] = {}
    shown: list[list[Account]] = []
    for g in groups:
        sample = [accounts[i] for i in g.sample_ids if i in accounts]
        status = rendered.get(g.head.status_id) if g.head.status_id is not None else None
        if not sample or (g.head.status_id is not None and status is None):
            continue
        warning = warnings.get(g.head.id)
        if g.head.type == NOTIFICATION_TYPE and warning is None:
            continue
        if status is not None:
            statuses.setdefault(status.id, status)
        shown.append(sample)
        out.append(
            NotificationGroup(
                group_key=g.key,
                notifications_count=g.count,
                type=g.head.type,
                most_recent_notification_id=g.most_recent_id,
                sample_account_ids=[a.id for a in sample],
                page_min_id=str(g.page_min_id) if paginated else None,
                page_max_id=str(g.most_recent_id) if paginated else None,
                latest_page_notification_at=(
                    iso(g.latest_at) if paginated and g.latest_at is not None else None
                ),
                status_id=status.id
                if status is not None and g.head.type in _STATUS_TYPES
                else None,
                moderation_warning=warning,
            )
        )
    full = {a.id: a for sample in shown for a in (sample[:1] if partial_avatars else sample)}
    results = GroupedNotificationsResults(
        accounts=list(full.values()), statuses=list(statuses.values()), notification_groups=out
    )
    if partial_avatars:
        rest = {a.id: a for sample in shown for a in sample[1:] if a.id not in full}
        results.partial_accounts = [
            PartialAccountWithAvatar(
                id=a.id,
                acct=a.acct,
                locked=a.locked,
                bot=a.bot,
                url=a.url,
                avatar=a.avatar,
                avatar_static=a.avatar_static,
            )
            for a in rest.values()
        ]
    return results
