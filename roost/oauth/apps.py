"""Registering OAuth applications, with the checks their names, websites, redirect URIs
and scopes must pass."""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from roost.db import Database
from roost.errors import Invalid
from roost.ids import new_id
from roost.oauth.queries import OAuthApp
from roost.oauth.scopes import parse_scopes, unknown_scopes
from roost.oauth.tables import apps
from roost.timeutil import utcnow

MAX_APP_NAME = 60  # Mastodon's limit


MAX_REDIRECT_URIS = 10


MAX_URI = 1000  # oauth_codes.redirect_uri


MAX_WEBSITE = 500  # apps.website


# Redirecting a browser to these would run code or read local files.
FORBIDDEN_SCHEMES = frozenset({"javascript", "data", "vbscript", "file", "blob", "about"})


SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*$")


def _check_printable(value: str, what: str) -> None:
    # These values end up in Location and CSP headers: ASCII without controls or spaces.
    if not value.isascii() or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in value):
        raise Invalid(f"{what} must be an absolute URI without spaces or non-ASCII characters")


def check_redirect_uri(uri: str) -> None:
    """An absolute URI without a fragment (custom schemes are fine, for mobile apps), or
    `urn:ietf:wg:oauth:2.0:oob`."""
    if uri == OOB_URI:
        return
    if len(uri) > MAX_URI:
        raise Invalid(f"Redirect URI is too long (maximum is {MAX_URI} characters)")
    _check_printable(uri, "Redirect URI")
    try:
        parts = urlsplit(uri)
        host = parts.hostname
    except ValueError as exc:
        raise Invalid("Redirect URI must be an absolute URI") from exc
    if not SCHEME_RE.match(parts.scheme) or not (parts.netloc or parts.path):
        raise Invalid("Redirect URI must be an absolute URI")
    if parts.scheme in FORBIDDEN_SCHEMES:
        raise Invalid(f"Redirect URI must not use the {parts.scheme}: scheme")
    if parts.scheme in ("http", "https") and not host:
        raise Invalid("Redirect URI must be an absolute URI")
    if parts.fragment or uri.endswith("#"):
        raise Invalid("Redirect URI must not contain a fragment")


def check_redirect_uris(values: list[Any]) -> list[str]:
    """Redirect URIs given as a list, or as one string separated by newlines or spaces."""
    uris: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise Invalid("Redirect URI must be text")
        for uri in value.split():
            if uri not in uris:
                uris.append(uri)
    if not uris:
        raise Invalid("Redirect URI can't be blank")
    if len(uris) > MAX_REDIRECT_URIS:
        raise Invalid(f"Too many redirect URIs (maximum is {MAX_REDIRECT_URIS})")
    for uri in uris:
        check_redirect_uri(uri)
    return uris


def check_website(website: str | None) -> str | None:
    """An http(s) URL or nothing: the consent page links to it."""
    website = (website or "").strip()
    if not website:
        return None
    if len(website) > MAX_WEBSITE:
        raise Invalid(f"Website is too long (maximum is {MAX_WEBSITE} characters)")
    _check_printable(website, "Website")
    try:
        parts = urlsplit(website)
        host = parts.hostname
    except ValueError as exc:
        raise Invalid("Website must be an http or https URL") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise Invalid("Website must be an http or https URL")
    return website


def check_scopes(text: str | None) -> list[str]:
    """Registered scopes: known Mastodon scopes, `read` when none are given."""
    scopes = parse_scopes(text)
    unknown = unknown_scopes(scopes)
    if unknown:
        raise Invalid(f"Scopes contain unknown values: {', '.join(unknown)}")
    return scopes


async def do_create_app(
    db: Database,
    *,
    name: str,
    redirect_uris: list[Any],
    scopes: str | None,
    website: str | None,
) -> OAuthApp:
    """Register an OAuth application; 422 on a blank name, a bad URI or an unknown scope."""
    name = name.strip()
    if not name:
        raise Invalid("Application name can't be blank")
    if len(name) > MAX_APP_NAME:
        raise Invalid(f"Application name is too long (maximum is {MAX_APP_NAME} characters)")
    app = OAuthApp(
        id=new_id(),
        name=name,
        website=check_website(website),
        redirect_uris=check_redirect_uris(redirect_uris),
        scopes=check_scopes(scopes),
        client_id=secrets.token_urlsafe(32),
        client_secret=secrets.token_urlsafe(32),
    )
    async with db.transaction() as tx:
        await tx.execute(
            apps.insert().values(
                id=app.id,
                name=app.name,
                website=app.website,
                redirect_uris="\n".join(app.redirect_uris),
                scopes=" ".join(app.scopes),
                client_id=app.client_id,
                client_secret=app.client_secret,
                created_at=utcnow(),
            )
        )
    return app


OOB_URI = "urn:ietf:wg:oauth:2.0:oob"
