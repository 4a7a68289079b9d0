"""Search on the web (/search): posts by their words and Mastodon's operators, people and
hashtags, each in a tab, as the API finds them."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.responses import Response

from roost.errors import Invalid
from roost.graph.queries import render_relationships
from roost.search.fulltext_queries import search_statuses
from roost.search.operators import parse
from roost.search.queries import search_accounts, search_tags
from roost.web.render import Page, page_view, parse_id, render

TABS = ("posts", "people", "hashtags")
PAGE = 20


@page_view()
async def search_page(page: Page) -> Response:
    """GET /search?q=…&type=posts|people|hashtags"""
    params = page.request.query_params
    q = params.get("q", "").strip()[:500]
    tab = params.get("type", "posts")
    tab = tab if tab in TABS else "posts"
    offset = parse_id(params.get("offset")) or 0
    db = page.roost.db
    statuses, accounts, tags, relationships = [], [], [], {}
    error = ""
    more = False
    if q and tab == "posts":
        try:
            found = await search_statuses(db, page.viewer_id, parse(q), limit=PAGE, offset=offset)
        except Invalid as exc:
            error = exc.message
        else:
            statuses = await page.roost.statuses.render(found)
            more = len(found) == PAGE
    elif q and tab == "people":
        ids = await search_accounts(
            db, page.viewer_id, q, domain=page.roost.settings.domain, limit=PAGE, offset=offset
        )
        accounts = await page.roost.accounts.listed(ids)
        if page.viewer is not None:
            others = [i for i in ids if i != page.me_id]
            found_rel = await render_relationships(db, page.me_id, others)
            relationships = {int(r.id): r for r in found_rel}
        more = len(ids) == PAGE
    elif q:
        tags = [row.name for row in await search_tags(db, q, limit=PAGE, offset=offset)]
        more = len(tags) == PAGE
    older = "/search?" + urlencode({"q": q, "type": tab, "offset": offset + PAGE}) if more else None
    return render(
        page, "search.html", search_q=q, tab=tab, statuses=statuses, accounts=accounts,
        tags=tags, relationships=relationships, error=error, older=older,
        status_code=422 if error else 200,
    )  # fmt: skip
