"""Staff roles (owner, admin, moderator) and what each may do, as Mastodon has them.

A local user holds at most one role (`users.role`, NULL for none). Ids, names, positions
and permission bits are those of Mastodon's default roles (config/roles.yml, seeded in
that order: Moderator 1, Admin 2, Owner 3; everyone's role is -99), so that clients and
admin tools that read `role.permissions` or `roles[].id` see what they would on Mastodon.
"""

from __future__ import annotations

from dataclasses import dataclass

from roost.accounts.entities import AccountRole, Role

# Mastodon's UserRole::FLAGS, bit by bit (the documented ones, Role entity).
FLAGS: dict[str, int] = {
    "administrator": 1 << 0,
    "view_devops": 1 << 1,
    "view_audit_log": 1 << 2,
    "view_dashboard": 1 << 3,
    "manage_reports": 1 << 4,
    "manage_federation": 1 << 5,
    "manage_settings": 1 << 6,
    "manage_blocks": 1 << 7,
    "manage_taxonomies": 1 << 8,
    "manage_appeals": 1 << 9,
    "manage_users": 1 << 10,
    "manage_invites": 1 << 11,
    "manage_rules": 1 << 12,
    "manage_announcements": 1 << 13,
    "manage_custom_emojis": 1 << 14,
    "manage_webhooks": 1 << 15,
    "invite_users": 1 << 16,
    "manage_roles": 1 << 17,
    "manage_user_access": 1 << 18,
    "delete_user_data": 1 << 19,
    "view_feeds": 1 << 20,
}
ALL = sum(FLAGS.values())
EVERYONE = FLAGS["invite_users"]  # what every user may do (Mastodon's Flags::DEFAULT)


def _bits(*names: str) -> int:
    return sum(FLAGS[name] for name in names)


@dataclass(frozen=True)
class StaffRole:
    """One of the default roles: its Mastodon id, name, rank and own permission bits."""

    key: str  # what `users.role` stores and the CLI takes
    id: int
    name: str
    position: int
    permissions: int

    @property
    def computed_permissions(self) -> int:
        """What the role may do: its own bits and everyone's, or all for an administrator
        (Mastodon's UserRole#computed_permissions, which the Role entity shows)."""
        if self.permissions & FLAGS["administrator"]:
            return ALL
        return self.permissions | EVERYONE


_MODERATION = ("invite_users", "view_dashboard", "view_audit_log", "view_feeds", "manage_users",
               "manage_reports", "manage_taxonomies")  # fmt: skip
_ADMINISTRATION = (*_MODERATION, "manage_user_access", "delete_user_data", "manage_federation",
                   "manage_settings", "manage_blocks", "manage_appeals", "manage_rules",
                   "manage_invites", "manage_announcements", "manage_custom_emojis",
                   "manage_webhooks", "manage_roles")  # fmt: skip
ROLES: dict[str, StaffRole] = {
    "moderator": StaffRole("moderator", 1, "Moderator", 10, _bits(*_MODERATION)),
    "admin": StaffRole("admin", 2, "Admin", 100, _bits(*_ADMINISTRATION)),
    "owner": StaffRole("owner", 3, "Owner", 1000, FLAGS["administrator"]),
}
ROLE_CHOICES = ("owner", "admin", "moderator", "none")  # the CLI's; "none" takes it away
# Roles whose holders were `users.admin` before roles existed, and still are (readers of
# that column, kept in step, see them as before).
ADMIN_ROLES = frozenset({"owner", "admin"})
EVERYONE_ROLE = Role(id="-99", name="", color="", permissions=str(EVERYONE), highlighted=False)


def role_key(choice: str) -> str | None:
    """The stored value for a CLI choice (`none` → None); ValueError for an unknown one."""
    key = choice.strip().lower()
    if key == "none":
        return None
    if key not in ROLES:
        raise ValueError(f"Unknown role {choice!r}; one of: {', '.join(ROLE_CHOICES)}")
    return key


def can(role: str | None, permission: str) -> bool:
    """Whether a holder of `role` (None: no staff role) has `permission`, e.g.
    `manage_reports` or `manage_users`. The one place admin endpoints ask."""
    if permission not in FLAGS:
        raise ValueError(f"Unknown permission {permission!r}")
    spec = ROLES.get(role) if role is not None else None
    granted = EVERYONE if spec is None else spec.computed_permissions
    return granted & FLAGS[permission] == FLAGS[permission]


def outranks(role: str | None, other: str | None) -> bool:
    """Whether `role` stands above `other` (a moderator cannot act on an owner)."""

    def position(key: str | None) -> int:
        spec = ROLES.get(key) if key is not None else None
        return -1 if spec is None else spec.position

    return position(role) > position(other)


def role_entity(role: str | None) -> Role:
    """CredentialAccount.role: the user's role with its computed permissions as a string."""
    spec = ROLES.get(role) if role is not None else None
    if spec is None:
        return EVERYONE_ROLE
    return Role(
        id=str(spec.id),
        name=spec.name,
        color="",
        permissions=str(spec.computed_permissions),
        highlighted=True,
    )


_BADGES = {key: [AccountRole(id=str(r.id), name=r.name, color="")] for key, r in ROLES.items()}


def account_roles(role: str | None) -> list[AccountRole]:
    """Account.roles: the highlighted roles an account shows as badges (each default role
    is highlighted in Mastodon; everyone's role is not)."""
    return list(_BADGES.get(role, ())) if role is not None else []
