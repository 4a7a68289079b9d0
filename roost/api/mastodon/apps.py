"""How clients find and join the OAuth server: /api/v1/apps (registering an application,
checking an app's token) and RFC 8414 metadata. The /oauth/* endpoints are in oauth.py."""

from __future__ import annotations

import msgspec
from starlette.responses import Response

from roost.api.errors import ApiError
from roost.api.http import Api, ApiRequest
from roost.errors import NotFound
from roost.http.responses import json_response
from roost.oauth.apps import do_create_app
from roost.oauth.entities import Application, AuthorizationServerMetadata, CredentialApplication
from roost.oauth.queries import access_app, application_entity, credential_application_entity
from roost.oauth.scopes import ALL_SCOPES

api = Api()


@api.route(
    "/api/v1/apps",
    "POST",
    response=CredentialApplication,
    params={
        "client_name": "A name for your application",
        "redirect_uris": "Where the user is sent after authorization (array or one string, "
        "newline-separated); urn:ietf:wg:oauth:2.0:oob shows the code instead",
        "scopes": "Space-separated scopes (default: read)",
        "website": "A URL to the homepage of your app",
    },
)
async def register_app(req: ApiRequest) -> Response:
    """Create an application."""
    app = await do_create_app(
        req.roost.db,
        name=req.params.required_str("client_name"),
        redirect_uris=req.params.list("redirect_uris"),
        scopes=req.params.str("scopes"),
        website=req.params.str("website"),
    )
    vapid_key = req.roost.settings.vapid_public_key
    return json_response(
        msgspec.structs.replace(credential_application_entity(app), vapid_key=vapid_key)
    )


@api.route("/api/v1/apps/verify_credentials", response=Application)
async def verify_app(req: ApiRequest) -> Response:
    """Verify your app works: any valid token (app or user) shows its application."""
    # Since Mastodon 4.3 any token works here, whatever its scopes.
    if req.viewer is None:
        raise ApiError(401, "The access token is invalid")
    app = await access_app(req.roost.db, req.viewer.app_id) if req.viewer.app_id else None
    if app is None:
        raise NotFound()  # a token made by `roost tokens create` belongs to no app
    vapid_key = req.roost.settings.vapid_public_key
    return json_response(msgspec.structs.replace(application_entity(app), vapid_key=vapid_key))


@api.route("/.well-known/oauth-authorization-server", response=AuthorizationServerMetadata)
async def server_metadata(req: ApiRequest) -> Response:
    """OAuth 2 authorization server metadata (RFC 8414), as Mastodon 4.3+ publishes it."""
    base = req.roost.settings.base_url
    grants = ["authorization_code", "client_credentials", "refresh_token"]
    if req.roost.settings.oauth_password_grant:
        grants.append("password")
    return json_response(
        AuthorizationServerMetadata(
            issuer=f"{base}/",
            service_documentation="https://docs.joinmastodon.org/",
            authorization_endpoint=f"{base}/oauth/authorize",
            token_endpoint=f"{base}/oauth/token",
            app_registration_endpoint=f"{base}/api/v1/apps",
            revocation_endpoint=f"{base}/oauth/revoke",
            scopes_supported=sorted(ALL_SCOPES),
            response_types_supported=["code"],
            response_modes_supported=["query", "fragment", "form_post"],
            code_challenge_methods_supported=["S256"],
            grant_types_supported=grants,
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
        )
    )
