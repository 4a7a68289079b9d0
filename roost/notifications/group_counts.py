"""Keeping `notification_groups` true: each write that adds, removes or lets in grouped
notifications brings its groups' rows up to date in the same transaction. A new
notification is one upsert (its group's count one more, its newest the new id); removals
take the counts down and find the group's newest and oldest again off the
(account_id, group_key, id) index, a seek each."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from roost.db import Transaction
from roost.db.prepared import any_of
from roost.notifications.tables import notification_groups, notifications

_g, _n = notification_groups, notifications


@functools.cache
def _joined(dialect: str) -> Any:
    """Upsert: one notification more in its group (made with it when it is the first)."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_g)
    newest = (sa.func.greatest if dialect == "postgresql" else sa.func.max)(
        _g.c.latest_id, insert.excluded.latest_id
    )
    return insert.on_conflict_do_update(
        index_elements=["account_id", "group_key"],
        set_={
            "notifications_count": _g.c.notifications_count + insert.excluded.notifications_count,
            "latest_id": newest,
        },
    )


async def joined(
    tx: Transaction,
    *,
    account_id: int,
    group_key: str,
    type: str,
    status_id: int | None,
    notification_id: int,
) -> None:
    """A visible notification was made in `group_key`."""
    await tx.execute(
        _joined(tx.dialect),
        [
            {
                "account_id": account_id,
                "group_key": group_key,
                "type": type,
                "status_id": status_id,
                "notifications_count": 1,
                "latest_id": notification_id,
                "first_id": notification_id,
            }
        ],
    )


def _end(newest: bool) -> sa.ColumnElement[Any]:
    """The id of the group's newest (or oldest) visible notification, off the index (0
    for none)."""
    found = (
        sa.select(_n.c.id)
        .where(
            _n.c.account_id == _g.c.account_id,
            _n.c.group_key == _g.c.group_key,
            _n.c.filtered.is_(False),
        )
        .order_by(_n.c.id.desc() if newest else _n.c.id.asc())
        .limit(1)
        .scalar_subquery()
    )
    return sa.func.coalesce(found, 0)


_ADJUST = _g.update().where(
    _g.c.account_id == sa.bindparam("a", type_=sa.BigInteger),
    _g.c.group_key == sa.bindparam("k", type_=sa.String),
)
_ENDS = _g.update().where(
    _g.c.account_id == sa.bindparam("a", type_=sa.BigInteger),
    any_of(_g.c.group_key, "keys", text=True),
)
_EMPTY = _g.delete().where(
    _g.c.account_id == sa.bindparam("a", type_=sa.BigInteger),
    any_of(_g.c.group_key, "keys", text=True),
    sa.or_(_g.c.notifications_count <= 0, _g.c.latest_id == 0),
)


async def removed(tx: Transaction, account_id: int, rows: Iterable[Any]) -> None:
    """Notifications of `account_id` were deleted: `rows` have their `group_key` and
    `filtered` (those no group takes or filtered are no group's)."""
    gone = Counter(r.group_key for r in rows if r.group_key is not None and not r.filtered)
    if not gone:
        return
    await tx.execute(
        _ADJUST.values(notifications_count=_g.c.notifications_count - sa.bindparam("n")),
        [{"a": account_id, "k": key, "n": n} for key, n in gone.items()],
    )
    await _settle(tx, account_id, list(gone))


async def let_in(tx: Transaction, account_id: int, groups: Iterable[Any]) -> None:
    """Filtered notifications of `account_id` were let in: `groups` are (group_key, type,
    status_id, n) of those that have a group, `n` of each."""
    rows = [
        {
            "account_id": account_id,
            "group_key": g.group_key,
            "type": g.type,
            "status_id": g.status_id,
            "notifications_count": int(g.n),
            "latest_id": 0,
            "first_id": 0,
        }
        for g in groups
    ]
    if rows:
        await tx.execute(_joined(tx.dialect), rows)
        await _settle(tx, account_id, [r["group_key"] for r in rows])


async def _settle(tx: Transaction, account_id: int, keys: list[str]) -> None:
    """The groups' newest and oldest read again; the groups left empty removed."""
    params = {"a": account_id, "keys": keys}
    await tx.execute(_ENDS.values(latest_id=_end(True), first_id=_end(False)), [params])
    await tx.execute(_EMPTY, [params])


async def cleared(tx: Transaction, account_id: int) -> None:
    """Every notification of `account_id` was deleted."""
    await tx.execute(_g.delete().where(_g.c.account_id == account_id))
