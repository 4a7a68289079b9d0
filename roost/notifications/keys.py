"""Group keys of notifications, as `/api/v2/notifications` names groups."""

from __future__ import annotations

import sqlalchemy as sa

from roost.notifications.tables import notifications

NO_ID = 2**63 - 1  # above every id: "no upper bound"


def in_group(account_id: int, group_key: str) -> sa.ColumnElement[bool]:
    """SQL condition: a notification of `account_id` in the group `group_key` (as
    `/api/v2/notifications` gives it: `ungrouped-{id}` is that one notification)."""
    if group_key.startswith("ungrouped-"):
        digits = group_key.removeprefix("ungrouped-")
        if not digits.isascii() or not digits.isdigit() or len(digits) > 19:
            return sa.false()
        number = int(digits)
        cond = notifications.c.id == number if number < NO_ID else sa.false()
    else:
        cond = notifications.c.group_key == group_key
    return sa.and_(notifications.c.account_id == account_id, cond)
