"""Mastodon API shapes for OAuth: Application, CredentialApplication, Token, server metadata."""

from __future__ import annotations

import msgspec


class Application(msgspec.Struct, kw_only=True):
    id: str
    name: str
    website: str | None
    scopes: list[str]
    redirect_uri: str  # deprecated by Mastodon 4.3: the URIs joined by newlines
    redirect_uris: list[str]
    vapid_key: str = ""


class CredentialApplication(Application, kw_only=True):
    client_id: str
    client_secret: str
    client_secret_expires_at: int = 0


class Token(msgspec.Struct, kw_only=True, omit_defaults=True):
    access_token: str
    token_type: str
    scope: str
    created_at: int
    refresh_token: str | None = None


class AuthorizationServerMetadata(msgspec.Struct, kw_only=True):
    """RFC 8414 metadata, as Mastodon 4.3+ publishes it."""

    issuer: str
    service_documentation: str
    authorization_endpoint: str
    token_endpoint: str
    app_registration_endpoint: str
    revocation_endpoint: str
    scopes_supported: list[str]
    response_types_supported: list[str]
    response_modes_supported: list[str]
    code_challenge_methods_supported: list[str]
    grant_types_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]
