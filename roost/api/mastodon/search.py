"""/api/v2/search: accounts, hashtags, posts by their words, and our own URLs."""

from __future__ import annotations

from starlette.responses import Response

from roost.accounts.queries import access_account_by_acct
from roost.api.http import Api, ApiRequest
from roost.api.mastodon.accounts import check_scope_if_token
from roost.errors import NotFound, Unauthorized
from roost.http.responses import json_response
from roost.search.entities import SearchResults
from roost.search.fulltext_queries import search_statuses
from roost.search.operators import parse
from roost.search.queries import local_url, search_accounts, search_tags
from roost.statuses.entities import Status
from roost.statuses.queries import access_status
from roost.tags.queries import render_tags_for

api = Api()

TYPES = ("accounts", "hashtags", "statuses")


async def _resolve_url(
    req: ApiRequest, name: str, status_id: int | None, author_id: int | None
) -> tuple[list[int], list[int]]:
    """(account ids, status ids) for the URL of one of our profiles or statuses."""
    db = req.roost.db
    try:
        if status_id is None:
            row = await access_account_by_acct(db, name, req.roost.settings.domain)
            return [row.id], []
        row = await access_status(db, req.viewer_id, status_id)
    except NotFound:
        return [], []
    # A reblog has no page of its own, so no URL names it.
    if row.reblog_of_id is not None or author_id not in (None, row.account_id):
        return [], []
    return [], [row.id]


@api.route("/api/v2/search", response=SearchResults)
async def search(req: ApiRequest) -> Response:
    """Search accounts and hashtags by prefix of `q`, and posts by their text with
    Mastodon's operators (roost.search.operators); a URL of one of our statuses or
    profiles finds that."""
    check_scope_if_token(req, "read:search")
    p = req.params
    q = p.required_str("q", max_len=1000)
    kind = p.str("type")
    offset = p.int("offset", 0, lo=0) if kind else 0
    if req.viewer_id is None and (offset or p.bool("resolve", False)):
        # Mastodon keeps these to logged-in users; clients retry with a token.
        raise Unauthorized("Search queries with offset or resolve need authentication")
    limit = p.int("limit", 20, lo=1, hi=40)
    settings = req.roost.settings
    db = req.roost.db
    account_ids: list[int] = []
    tag_rows = []
    found_statuses: list[Status] = []
    url = local_url(q, settings.base_url)
    if url is not None:
        account_ids, status_ids = await _resolve_url(req, url[0], url[1], p.id("account_id"))
        if kind in (None, "statuses"):
            found_statuses = await req.roost.statuses.visible(req.viewer_id, status_ids)
    elif kind is None or kind in TYPES:
        if kind in (None, "accounts"):
            account_ids = await search_accounts(
                db,
                req.viewer_id,
                q,
                domain=settings.domain,
                limit=limit,
                offset=offset,
                following=p.bool("following", False),
            )
        if kind in (None, "hashtags"):
            tag_rows = await search_tags(db, q, limit=limit, offset=offset)
        if kind in (None, "statuses"):
            found = await search_statuses(
                db, req.viewer_id, parse(q), account_id=p.id("account_id"),
                following=p.bool("following", False), limit=limit, offset=offset,
            )  # fmt: skip
            found_statuses = await req.roost.statuses.render(found)
    results = SearchResults(
        accounts=await req.roost.accounts.listed(account_ids) if kind in (None, "accounts") else [],
        statuses=found_statuses,
        hashtags=await render_tags_for(db, req.viewer_id, tag_rows, settings.base_url),
    )
    return json_response(results)
