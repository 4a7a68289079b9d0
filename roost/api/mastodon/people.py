"""Finding and keeping people: endorsements (featured accounts), private notes, the
profile directory, follow suggestions, and blocked domains."""

from __future__ import annotations

import msgspec
from starlette.responses import Response

from roost.accounts.entities import Account
from roost.accounts.queries import access_shown_account
from roost.api.http import Api, ApiRequest, page_response
from roost.api.mastodon.accounts import account_page, check_scope_if_token, list_args
from roost.errors import Invalid
from roost.graph import people
from roost.graph.entities import Relationship
from roost.graph.people_queries import (
    access_domain_blocks,
    access_endorsements,
    directory,
    suggestions,
)
from roost.http.responses import json_response

api = Api()


class Suggestion(msgspec.Struct, kw_only=True):
    """Mastodon's Suggestion: why an account is suggested, and the account."""

    source: str  # deprecated since 4.3, still read by older apps
    sources: list[str]
    account: Account


# Mastodon's REST::SuggestionSerializer maps the 4.3 sources onto the old `source`.
OLD_SOURCE = {"featured": "staff", "most_followed": "global", "most_interactions": "global"}


@api.route("/api/v1/accounts/{id}/endorse", "POST", scope="write:accounts", user=True,
           response=Relationship)  # fmt: skip
async def endorse(req: ApiRequest) -> Response:
    """Feature an account one follows on one's profile."""
    return json_response(await people.do_endorse(req.roost.db, req.me_id, req.path_id()))


@api.route("/api/v1/accounts/{id}/pin", "POST", scope="write:accounts", user=True,
           response=Relationship)  # fmt: skip
async def pin(req: ApiRequest) -> Response:
    """The older name of /endorse (Mastodon keeps both)."""
    return await endorse(req)


@api.route("/api/v1/accounts/{id}/unendorse", "POST", scope="write:accounts", user=True,
           response=Relationship)  # fmt: skip
async def unendorse(req: ApiRequest) -> Response:
    """Stop featuring an account."""
    return json_response(await people.do_unendorse(req.roost.db, req.me_id, req.path_id()))


@api.route("/api/v1/accounts/{id}/unpin", "POST", scope="write:accounts", user=True,
           response=Relationship)  # fmt: skip
async def unpin(req: ApiRequest) -> Response:
    """The older name of /unendorse."""
    return await unendorse(req)


@api.route("/api/v1/accounts/{id}/endorsements", response=list[Account])
async def account_endorsements(req: ApiRequest) -> Response:
    """The accounts an account features on its profile."""
    check_scope_if_token(req, "read:accounts")
    account_id = req.path_id()
    await access_shown_account(req.roost.db, account_id)
    args = list_args(req)
    page = await access_endorsements(
        req.roost.db, account_id, max_id=args["max_id"], since_id=args["since_id"],
        limit=args["limit"],
    )  # fmt: skip
    return await account_page(req, page)


@api.route("/api/v1/endorsements", scope="read:accounts", user=True, response=list[Account])
async def my_endorsements(req: ApiRequest) -> Response:
    """The accounts one features on one's profile."""
    args = list_args(req)
    page = await access_endorsements(
        req.roost.db, req.me_id, max_id=args["max_id"], since_id=args["since_id"],
        limit=args["limit"],
    )  # fmt: skip
    return await account_page(req, page)


@api.route("/api/v1/accounts/{id}/note", "POST", scope="write:accounts", user=True,
           response=Relationship)  # fmt: skip
async def note(req: ApiRequest) -> Response:
    """Set a private note about an account (`comment`; empty removes it)."""
    comment = req.params.str("comment", "", max_len=people.MAX_NOTE * 4) or ""
    rel = await people.do_set_note(req.roost.db, req.me_id, req.path_id(), comment)
    return json_response(rel)


@api.route("/api/v1/directory", response=list[Account])
async def get_directory(req: ApiRequest) -> Response:
    """Discoverable accounts (`order`: active or new; `offset`, `limit`)."""
    p = req.params
    order = p.str("order", "active", max_len=10) or "active"
    if order not in ("active", "new"):
        raise Invalid("order must be active or new")
    viewer = req.viewer
    ids = await directory(
        req.roost.db, viewer.account_id if viewer else None, order=order,
        offset=p.int("offset", 0, lo=0, hi=1_000_000), limit=p.int("limit", 40, lo=1, hi=80),
    )  # fmt: skip
    return json_response(await req.roost.accounts.listed(ids))


async def _suggested(req: ApiRequest) -> list[Suggestion]:
    found = await suggestions(req.roost.db, req.me_id, req.params.int("limit", 40, lo=1, hi=80))
    rendered = await req.roost.accounts.by_id([s.account_id for s in found])
    return [
        Suggestion(
            source=OLD_SOURCE.get(s.sources[0], "past_interactions"),
            sources=s.sources,
            account=rendered[s.account_id],
        )
        for s in found
        if s.account_id in rendered
    ]


@api.route("/api/v2/suggestions", scope="read", user=True, response=list[Suggestion])
async def suggestions_v2(req: ApiRequest) -> Response:
    """Accounts one might follow, with why."""
    return json_response(await _suggested(req))


@api.route("/api/v1/suggestions", scope="read", user=True, response=list[Account])
async def suggestions_v1(req: ApiRequest) -> Response:
    """Accounts one might follow (the older list of accounts)."""
    return json_response([s.account for s in await _suggested(req)])


@api.route("/api/v1/suggestions/{id}", "DELETE", scope="read", user=True)
async def dismiss_suggestion(req: ApiRequest) -> Response:
    """Never suggest this account again."""
    await people.do_dismiss_suggestion(req.roost.db, req.me_id, req.path_id())
    return json_response({})


@api.route("/api/v1/domain_blocks", scope="read:blocks", user=True, response=list[str])
async def domain_blocks(req: ApiRequest) -> Response:
    """The domains one blocks, newest first."""
    rows = await access_domain_blocks(req.roost.db, req.me_id, **list_args(req, 100, 200))
    first, last = (rows[0].id, rows[-1].id) if rows else (None, None)
    return page_response(req, [r.domain for r in rows], first, last)


def _domain(req: ApiRequest) -> str:
    domain = req.params.str("domain", max_len=300)
    if not domain:
        raise Invalid("domain is required")
    return str(domain)


@api.route("/api/v1/domain_blocks", "POST", scope="write:blocks", user=True)
async def block_domain(req: ApiRequest) -> Response:
    """Block a domain (`domain`): its accounts' posts and notifications are hidden."""
    await people.do_block_domain(req.roost.db, req.me_id, _domain(req), req.roost.settings.domain)
    return json_response({})


@api.route("/api/v1/domain_blocks", "DELETE", scope="write:blocks", user=True)
async def unblock_domain(req: ApiRequest) -> Response:
    """Unblock a domain (`domain`)."""
    await people.do_unblock_domain(req.roost.db, req.me_id, _domain(req), req.roost.settings.domain)
    return json_response({})
