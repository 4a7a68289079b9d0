"""Who may quote a status, as its `quote_approval` shows each viewer."""

from __future__ import annotations

import functools

from roost.statuses.entities import QuoteApproval

_AUTOMATIC = {"public": ["public"], "followers": ["followers"], "nobody": []}


def quote_approval(
    policy: str, author_id: int, visibility: str, viewer_id: int | None
) -> QuoteApproval:
    """Who may quote a status with quote `policy`, and whether the viewer may: its author
    always; others only a public or unlisted post, as its policy says (a followers-only
    policy is `unknown` here: telling would cost a query per post)."""
    if viewer_id is None:
        current = "unknown"
    elif viewer_id == author_id:
        current = "automatic"
    elif visibility not in ("public", "unlisted") or policy == "nobody":
        current = "denied"
    else:
        current = "automatic" if policy == "public" else "unknown"
    return _approval(policy, current)


@functools.cache
def _approval(policy: str, current: str) -> QuoteApproval:
    """One shared entity per combination (never changed once made: encoded as is)."""
    return QuoteApproval(
        automatic=list(_AUTOMATIC.get(policy, [])), manual=[], current_user=current
    )
