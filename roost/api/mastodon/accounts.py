"""/api/v1/accounts: sign-up, one's own profile, profiles, relationships and follows."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

from roost.accounts.actions import ProfileChanges
from roost.accounts.entities import Account, CredentialAccount
from roost.accounts.queries import (
    access_account_by_acct,
    access_shown_account,
)
from roost.accounts.registration import ValidationFailed, do_register
from roost.api.http import Api, ApiRequest, page_response
from roost.api.mastodon.profile import save_profile
from roost.errors import Forbidden, RateLimited
from roost.graph.actions import do_follow, do_remove_from_followers, do_unfollow
from roost.graph.entities import Relationship
from roost.graph.people_queries import familiar_followers
from roost.graph.queries import EdgePage, access_follow_list, render_relationships
from roost.http.auth import client_ip
from roost.http.params import Params
from roost.http.responses import json_response
from roost.oauth.entities import Token
from roost.oauth.scopes import scope_allows
from roost.search.queries import search_accounts

api = Api()

MAX_IDS = 80  # ids per GET /api/v1/accounts or /relationships request
FIELD_INDEXES = 100  # fields_attributes[N][...] keys are looked up for N below this


def check_scope_if_token(req: ApiRequest, scope: str) -> None:
    """Public endpoints still refuse a token that lacks `scope` (Mastodon's
    `authorize_if_got_token!`)."""
    if req.viewer is not None and not scope_allows(req.viewer.scopes, scope):
        raise Forbidden("This action is outside the authorized scopes")


def list_args(req: ApiRequest, default: int = 40, most: int = 80) -> dict[str, Any]:
    """Paging parameters of an account list (Mastodon: 40 by default, 80 at most)."""
    p = req.params
    return {
        "max_id": p.id("max_id"),
        "since_id": p.id("since_id"),
        "min_id": p.id("min_id"),
        "limit": p.int("limit", default, lo=1, hi=most),
    }


async def account_page(req: ApiRequest, page: EdgePage) -> Response:
    """A page of accounts with Link headers paging by the page's edge ids."""
    rendered = await req.roost.accounts.listed(page.account_ids)
    return page_response(req, rendered, page.first_id, page.last_id)


def _ids(req: ApiRequest) -> list[int]:
    """`id[]` values that are ids (others cannot name an account, so are skipped)."""
    return req.params.ids("id", most=MAX_IDS)


@api.route("/api/v1/accounts", "POST", scope="write:accounts", response=Token)
async def register(req: ApiRequest) -> Response:
    """Register an account; returns a token for it, for the app that asked."""
    settings = req.roost.settings
    if settings.registrations == "closed":
        raise Forbidden("Registrations are closed on this server")
    if not await req.roost.throttles.signup_allowed(client_ip(req.request)):
        raise RateLimited("Too many sign-ups from this address; try again later")
    p = req.params
    viewer = req.viewer
    assert viewer is not None  # the route's scope requires a token
    try:
        signed_up = await do_register(
            req.roost.db,
            username=p.str("username", ""),
            email=p.str("email", ""),
            password=p.str("password", ""),
            agreement=p.bool("agreement", False),
            locale=p.str("locale"),
            reason=p.str("reason"),
            approval_required=settings.registrations == "approval",
            app_id=viewer.app_id,
            fallback_scopes=" ".join(sorted(viewer.scopes)),
            ip=client_ip(req.request),
        )
    except ValidationFailed as exc:
        # Mastodon's ValidationError: clients show `details` beside each form field.
        return json_response({"error": exc.message, "details": exc.details}, 422)
    token = signed_up.token
    return json_response(
        Token(
            access_token=token.access_token,
            token_type="Bearer",
            scope=token.scopes,
            created_at=token.created_at,
        )
    )


@api.route(
    "/api/v1/accounts/verify_credentials",
    scope=("profile", "read:accounts"),
    user=True,
    response=CredentialAccount,
)
async def verify_credentials(req: ApiRequest) -> Response:
    """The viewer's own account, with its `source` settings."""
    return json_response(await req.roost.accounts.credential(req.me_id))


def _fields(p: Params) -> list[tuple[str, str]] | None:
    """Profile fields as `fields_attributes[0][name]` (form, or JSON objects keyed by index)
    or a JSON array of {name, value} (which the parameter layer indexes the same way);
    `fields_attributes[][name]` pairs too. None when the request does not set fields."""
    found: list[tuple[str, str]] = []
    for i in range(FIELD_INDEXES):
        name_key, value_key = f"fields_attributes[{i}][name]", f"fields_attributes[{i}][value]"
        if p.has(name_key) or p.has(value_key):
            found.append((p.str(name_key, ""), p.str(value_key, "")))
    names = p.list("fields_attributes[][name]")
    values = p.list("fields_attributes[][value]")
    for i in range(max(len(names), len(values))):
        found.append(
            (str(names[i]) if i < len(names) else "", str(values[i]) if i < len(values) else "")
        )
    if not found and not p.has("fields_attributes"):
        return None
    return found


@api.route(
    "/api/v1/accounts/update_credentials",
    "PATCH",
    scope="write:accounts",
    user=True,
    response=CredentialAccount,
)
async def update_credentials(req: ApiRequest) -> Response:
    """Change the viewer's profile and posting defaults, and its `avatar` and `header`
    images (with `avatar_description` and `header_description`)."""
    p = req.params
    changes = ProfileChanges(
        display_name=p.str("display_name"),
        note=p.str("note"),
        locked=p.bool("locked"),
        bot=p.bool("bot"),
        discoverable=p.bool("discoverable"),
        indexable=p.bool("indexable"),
        hide_collections=p.bool("hide_collections"),
        fields=_fields(p),
        privacy=p.str("source[privacy]"),
        sensitive=p.bool("source[sensitive]"),
        language=p.str("source[language]"),
        avatar_description=p.str("avatar_description", max_len=10_000),
        header_description=p.str("header_description", max_len=10_000),
    )
    return await save_profile(req, changes)


@api.route("/api/v1/accounts/lookup", response=Account)
async def lookup(req: ApiRequest) -> Response:
    """An account by its username (`acct`: `name` or `name@this.domain`)."""
    check_scope_if_token(req, "read:accounts")
    settings = req.roost.settings
    acct = req.params.required_str("acct")
    row = await access_account_by_acct(req.roost.db, acct, settings.domain)
    return json_response(req.roost.accounts.entity(row))


@api.route(
    "/api/v1/accounts/relationships",
    scope="read:follows",
    user=True,
    response=list[Relationship],
)
async def relationships(req: ApiRequest) -> Response:
    """The viewer's relationships with the accounts `id[]`."""
    rendered = await render_relationships(
        req.roost.db,
        req.me_id,
        _ids(req),
        with_suspended=req.params.bool("with_suspended", False),
    )
    return json_response(rendered)


@api.route("/api/v1/accounts/search", scope="read:accounts", user=True, response=list[Account])
async def search(req: ApiRequest) -> Response:
    """Accounts whose username or display name starts with `q`."""
    p = req.params
    settings = req.roost.settings
    ids = await search_accounts(
        req.roost.db,
        req.me_id,
        p.str("q", ""),
        domain=settings.domain,
        limit=p.int("limit", 40, lo=1, hi=80),
        offset=p.int("offset", 0, lo=0),
        following=p.bool("following", False),
    )
    return json_response(await req.roost.accounts.listed(ids))


@api.route("/api/v1/accounts", response=list[Account], summary="View multiple accounts")
async def accounts_index(req: ApiRequest) -> Response:
    """The accounts `id[]` that exist, in that order."""
    check_scope_if_token(req, "read:accounts")
    return json_response(await req.roost.accounts.listed(_ids(req)))


class FamiliarFollowers(msgspec.Struct, kw_only=True):
    """Mastodon's FamiliarFollowers: an account's followers whom the viewer follows."""

    id: str
    accounts: list[Account]


# Before /accounts/{id}, which would take `familiar_followers` for an id.
@api.route("/api/v1/accounts/familiar_followers", scope="read:follows", user=True,
           response=list[FamiliarFollowers])  # fmt: skip
async def familiar(req: ApiRequest) -> Response:
    """For each `id[]`: its followers whom one follows."""
    found = await familiar_followers(req.roost.db, req.me_id, _ids(req))
    rendered = await req.roost.accounts.by_id({a for who in found.values() for a in who})
    return json_response([
        FamiliarFollowers(id=str(i), accounts=[rendered[a] for a in who if a in rendered])
        for i, who in found.items()
    ])  # fmt: skip


@api.route("/api/v1/accounts/{id}", response=Account)
async def show(req: ApiRequest) -> Response:
    """One account."""
    check_scope_if_token(req, "read:accounts")
    row = await access_shown_account(req.roost.db, req.path_id())
    return json_response(req.roost.accounts.entity(row))


async def _follow_list(req: ApiRequest, *, followers: bool) -> Response:
    account_id = req.path_id()
    await access_shown_account(req.roost.db, account_id)
    page = await access_follow_list(
        req.roost.db, req.viewer_id, account_id, followers=followers, **list_args(req)
    )
    return await account_page(req, page)


@api.route("/api/v1/accounts/{id}/followers", response=list[Account])
async def followers(req: ApiRequest) -> Response:
    """Accounts following this one (empty if it hides them)."""
    return await _follow_list(req, followers=True)


@api.route("/api/v1/accounts/{id}/following", response=list[Account])
async def following(req: ApiRequest) -> Response:
    """Accounts this one follows (empty if it hides them)."""
    return await _follow_list(req, followers=False)


@api.route("/api/v1/accounts/{id}/follow", "POST", scope="write:follows", user=True,
           response=Relationship)  # fmt: skip
async def follow(req: ApiRequest) -> Response:
    """Follow an account (or request to, if it is locked); `reblogs`, `notify` options."""
    account_id = req.path_id()
    p = req.params
    rel = await do_follow(
        req.roost.db,
        req.me_id,
        account_id,
        reblogs=p.bool("reblogs"),
        notify_posts=p.bool("notify"),
    )
    return json_response(rel)


@api.route("/api/v1/accounts/{id}/unfollow", "POST", scope="write:follows", user=True,
           response=Relationship)  # fmt: skip
async def unfollow(req: ApiRequest) -> Response:
    """Unfollow an account, or withdraw a follow request."""
    return json_response(await do_unfollow(req.roost.db, req.me_id, req.path_id()))


@api.route("/api/v1/accounts/{id}/remove_from_followers", "POST", scope="write:follows",
           user=True, response=Relationship)  # fmt: skip
async def remove_from_followers(req: ApiRequest) -> Response:
    """Make an account stop following the viewer."""
    return json_response(await do_remove_from_followers(req.roost.db, req.me_id, req.path_id()))
