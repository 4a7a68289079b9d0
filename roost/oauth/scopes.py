"""OAuth scopes as Mastodon defines them, and the rule for whether a grant covers a need."""

from __future__ import annotations

GRANULAR = {
    "read": (
        "accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists",
        "mutes", "notifications", "search", "statuses",
    ),
    "write": (
        "accounts", "blocks", "bookmarks", "conversations", "favourites", "filters",
        "follows", "lists", "media", "mutes", "notifications", "reports", "statuses",
    ),
    "admin:read": ("accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks",
                   "email_domain_blocks", "canonical_email_blocks"),
    "admin:write": ("accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks",
                    "email_domain_blocks", "canonical_email_blocks"),
}  # fmt: skip

# The deprecated `follow` scope still grants these (Mastodon keeps it for old apps).
FOLLOW_GRANTS = frozenset(
    {"read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes", "write:mutes"}
)

ALL_SCOPES: frozenset[str] = frozenset(
    {"read", "write", "follow", "push", "profile", "admin:read", "admin:write"}
    | {f"{top}:{sub}" for top, subs in GRANULAR.items() for sub in subs}
)


def parse_scopes(text: str | None, default: str = "read") -> list[str]:
    """Split a space- (or `+`-) separated scope string, keeping order, dropping repeats."""
    raw = (text or default).replace("+", " ").split()
    seen: list[str] = []
    for scope in raw:
        if scope not in seen:
            seen.append(scope)
    return seen


def unknown_scopes(scopes: list[str]) -> list[str]:
    return [s for s in scopes if s not in ALL_SCOPES]


def grants(granted: frozenset[str] | set[str], needed: str) -> bool:
    """Does a token with `granted` scopes cover the single scope `needed`?"""
    if needed in granted:
        return True
    top, _, sub = needed.rpartition(":")
    if sub and top and top in granted:
        return True
    if needed in FOLLOW_GRANTS and "follow" in granted:
        return True
    # `profile` is covered by any read grant (verify_credentials accepts either).
    return needed == "profile" and ("read" in granted or "read:accounts" in granted)


def scope_allows(granted: frozenset[str] | set[str], needed: str | tuple[str, ...]) -> bool:
    """True if `granted` covers `needed` (a tuple means any one of them suffices)."""
    if isinstance(needed, str):
        return grants(granted, needed)
    return any(grants(granted, n) for n in needed)


def covers_all(app_scopes: list[str], requested: list[str]) -> bool:
    """Is every requested scope among (or implied by) what the app registered for?"""
    granted = frozenset(app_scopes)
    return all(grants(granted, s) for s in requested)
