"""Who may moderate: a staff member acting, and the check every moderation door asks."""

from __future__ import annotations

from dataclasses import dataclass

from roost.accounts.roles import can
from roost.errors import Forbidden


@dataclass(frozen=True)
class Staff:
    """The account acting on moderation, with its staff role (None: none)."""

    account_id: int | None  # None: the operator, at the command line
    role: str | None

    def can(self, permission: str) -> bool:
        return can(self.role, permission)


OPERATOR = Staff(None, "owner")


def check_can(actor: Staff, permission: str) -> None:
    """Forbidden (Mastodon's words) unless the actor's role grants `permission`."""
    if not actor.can(permission):
        raise Forbidden("This action is not allowed")
