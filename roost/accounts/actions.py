"""Writes to existing accounts: profiles, passwords, web sessions, locale (creating one is
roost.accounts.registration)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import sqlalchemy as sa

from roost.accounts.passwords import hash_password_async, verify_password
from roost.accounts.queries import local_username
from roost.accounts.registration import (
    LOCALE_RE,
    FieldError,
    ValidationFailed,
    password_errors,
    raise_if,
)
from roost.accounts.tables import accounts, users
from roost.db import Database, Transaction
from roost.errors import Invalid
from roost.graph.actions import accept_all_follow_requests
from roost.oauth.actions import IssuedToken, issue_token, revoke_tokens
from roost.oauth.queries import token_hash
from roost.oauth.tables import tokens
from roost.text.controls import clean_display_name
from roost.text.entities import extract_mentions
from roost.text.render import render_html
from roost.timeutil import utcnow

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
# Mastodon's limits for local profiles.
MAX_DISPLAY_NAME = 30
MAX_NOTE = 500
MAX_FIELDS = 4
MAX_FIELD_CHARS = 255
DEFAULT_PRIVACY = ("public", "unlisted", "private")


@dataclass
class ProfileChanges:
    """What PATCH /api/v1/accounts/update_credentials asked to change (None: unchanged)."""

    display_name: str | None = None
    note: str | None = None
    locked: bool | None = None
    bot: bool | None = None
    discoverable: bool | None = None
    indexable: bool | None = None
    hide_collections: bool | None = None
    fields: list[tuple[str, str]] | None = None
    privacy: str | None = None
    sensitive: bool | None = None
    language: str | None = None  # "" clears it
    avatar: str | None = None  # an uploaded image's URL; "" removes the image
    header: str | None = None
    # With a new avatar or header: its first frame when animated ("" for a still image).
    avatar_static: str = ""
    header_static: str = ""
    avatar_description: str | None = None  # alt text; "" clears it
    header_description: str | None = None


def _check_profile(changes: ProfileChanges) -> list[tuple[str, str]] | None:
    """Validate `changes`; returns the profile fields to store (blank pairs dropped)."""
    if changes.display_name is not None and len(changes.display_name) > MAX_DISPLAY_NAME:
        raise Invalid(f"Display name is too long (maximum is {MAX_DISPLAY_NAME} characters)")
    if changes.note is not None and len(changes.note) > MAX_NOTE:
        raise Invalid(f"Note is too long (maximum is {MAX_NOTE} characters)")
    if changes.privacy is not None and changes.privacy not in DEFAULT_PRIVACY:
        raise Invalid("Source privacy is not included in the list")
    if changes.language and not LANGUAGE_RE.match(changes.language):
        raise Invalid("Source language is not included in the list")
    if any(len(url or "") > 500 for url in (changes.avatar, changes.header)):
        raise Invalid("Image URL is too long")
    for kind in PROFILE_IMAGES:
        if len(getattr(changes, f"{kind}_description") or "") > MAX_IMAGE_DESCRIPTION:
            raise Invalid(
                f"{kind.capitalize()} description is too long (maximum is "
                f"{MAX_IMAGE_DESCRIPTION} characters)"
            )
    if changes.fields is None:
        return None
    # A field is one line; blank pairs are how clients delete a field.
    kept = [
        (" ".join(n.split()), " ".join(v.split()))
        for n, v in changes.fields
        if n.strip() or v.strip()
    ]
    if len(kept) > MAX_FIELDS:
        raise Invalid(f"Fields is too long (maximum is {MAX_FIELDS} fields)")
    for name, value in kept:
        if len(name) > MAX_FIELD_CHARS or len(value) > MAX_FIELD_CHARS:
            raise Invalid(f"Fields is too long (maximum is {MAX_FIELD_CHARS} characters each)")
    return kept


async def do_update_credentials(
    db: Database, account_id: int, changes: ProfileChanges, *, base_url: str, domain: str
) -> None:
    """Apply profile and posting-preference changes in one transaction. The note and field
    values are stored as typed and as HTML (links, local mentions and hashtags). Unlocking
    the account accepts its pending follow requests, as Mastodon does."""
    if changes.display_name is not None:
        changes = replace(changes, display_name=clean_display_name(changes.display_name))
    fields = _check_profile(changes)
    texts = [changes.note or "", *(value for _, value in fields or [])]
    account_values: dict[str, object] = {
        name: getattr(changes, name)
        for name in (
            "display_name",
            "locked",
            "bot",
            "discoverable",
            "indexable",
            "hide_collections",
        )
        if getattr(changes, name) is not None
    }
    for kind in PROFILE_IMAGES:
        url = getattr(changes, kind)
        if url is not None:
            account_values[kind] = url or None
            static = getattr(changes, f"{kind}_static")
            account_values[f"{kind}_static"] = (static or None) if url else None
        description = getattr(changes, f"{kind}_description")
        if description is not None:
            account_values[f"{kind}_description"] = description
    user_values: dict[str, object] = {}
    if changes.privacy is not None:
        user_values["default_visibility"] = changes.privacy
    if changes.sensitive is not None:
        user_values["default_sensitive"] = changes.sensitive
    if changes.language is not None:
        user_values["default_language"] = changes.language or None
    async with db.transaction() as tx:
        html = await _html_renderer(tx, texts, base_url, domain)
        if changes.note is not None:
            account_values["note"] = changes.note
            account_values["note_html"] = html(changes.note)
        if fields is not None:
            account_values["fields"] = [
                {"name": name, "value": value, "value_html": _inline(html(value))}
                for name, value in fields
            ]
        was_locked = await tx.scalar(
            sa.select(accounts.c.locked).where(accounts.c.id == account_id)
        )
        if account_values:
            await tx.execute(
                accounts.update().where(accounts.c.id == account_id).values(**account_values)
            )
        if user_values:
            await tx.execute(
                users.update().where(users.c.account_id == account_id).values(**user_values)
            )
        if was_locked and changes.locked is False:
            await accept_all_follow_requests(tx, account_id)


async def _html_renderer(
    tx: Transaction, texts: list[str], base_url: str, domain: str
) -> Callable[[str], str]:
    """A text → HTML function whose mentions link to the local accounts they name (looked
    up once for all `texts`; mentions of unknown or remote accounts stay text)."""
    names: dict[str, str] = {}
    for text in texts:
        for mention in extract_mentions(text):
            name = local_username(mention.text, domain)
            if name is not None:
                names[mention.text] = name.lower()
    found: dict[str, str] = {}
    if names:
        rows = await tx.fetch_all(
            sa.select(accounts.c.username_lower, accounts.c.username).where(
                accounts.c.username_lower.in_(set(names.values())),
                accounts.c.suspended_at.is_(None),
            )
        )
        found = {row.username_lower: row.username for row in rows}

    def mention_url(acct: str) -> str | None:
        username = found.get(names.get(acct, ""))
        return None if username is None else f"{base_url}/@{username}"

    def tag_url(name: str) -> str:
        return f"{base_url}/tags/{name.lower()}"

    def render(text: str) -> str:
        return render_html(text, mention_url=mention_url, tag_url=tag_url)

    return render


def _inline(html: str) -> str:
    """A field value is one line: Mastodon shows it without the paragraph wrapper."""
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


# --- Web sessions and settings (the server-rendered app) ---------------------------------

PROFILE_IMAGES = ("avatar", "header")
MAX_IMAGE_DESCRIPTION = 150  # Mastodon's, for avatar_description and header_description


async def do_start_web_session(
    db: Database, account_id: int, scopes: str
) -> tuple[IssuedToken, str]:
    """Issue the token a web session carries (no app); returns it and the user's language.
    The caller has checked the password and that the account may sign in."""
    async with db.transaction() as tx:
        token = await issue_token(tx, account_id=account_id, app_id=None, scopes=scopes)
        locale = await tx.scalar(sa.select(users.c.locale).where(users.c.account_id == account_id))
        await tx.execute(
            users.update().where(users.c.account_id == account_id).values(last_active_at=utcnow())
        )
    return token, str(locale or "en")


async def do_end_web_session(db: Database, token: str) -> str | None:
    """Revoke a web session's token (signing out); returns its hash for the token cache,
    or None when it was unknown. Only app-less tokens can be revoked this way."""
    key = token_hash(token)
    async with db.transaction() as tx:
        await revoke_tokens(tx, tokens.c.token_hash == key, tokens.c.app_id.is_(None))
    return key


async def do_change_password(
    db: Database, account_id: int, current: str, new: str, *, keep_token: str | None = None
) -> list[str]:
    """Change a password after checking the current one (422 with per-field details when the
    current password is wrong or the new one breaks the rules).

    Every other session and app token of the account is revoked in the same transaction
    (whoever knew the old password may have signed in with it); `keep_token`, the session
    the change was made from, stays. Returns the revoked tokens' hashes (for the caller's
    token cache; other processes hear of them once the transaction commits)."""
    stored = await db.scalar(
        sa.select(users.c.password_hash).where(users.c.account_id == account_id)
    )
    errors: list[FieldError] = []
    if stored is None or not current or not await verify_password(stored, current):
        errors.append(("current_password", "ERR_INVALID", "is invalid"))
    errors += password_errors(new)
    raise_if(errors)
    new_hash = await hash_password_async(new)
    async with db.transaction() as tx:
        # Only if nobody changed it meanwhile: the check above was against `stored`.
        result = await tx.execute(
            users.update()
            .where(users.c.account_id == account_id, users.c.password_hash == stored)
            .values(password_hash=new_hash)
        )
        if result.rowcount != 1:
            raise ValidationFailed([("current_password", "ERR_INVALID", "is invalid")])
        others = [tokens.c.account_id == account_id]
        if keep_token is not None:
            others.append(tokens.c.token_hash != token_hash(keep_token))
        return await revoke_tokens(tx, *others)


async def do_set_locale(db: Database, account_id: int, locale: str) -> None:
    """Set the user's interface language (a code such as "en" or "fr")."""
    if not LOCALE_RE.match(locale):
        raise Invalid("Locale is not included in the list")
    async with db.transaction() as tx:
        await tx.execute(
            users.update().where(users.c.account_id == account_id).values(locale=locale)
        )
