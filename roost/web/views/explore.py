"""Explore's Trending tab (/explore/trends): the hashtags, links and posts many different
people are using and sharing now, as /api/v1/trends finds them."""

from __future__ import annotations

from starlette.responses import Response

from roost.tags.queries import render_tags_for
from roost.trends.links import render_links
from roost.trends.queries import tag_rows, trending_links, trending_statuses, trending_tags
from roost.web.render import Page, page_view, render

TAGS = 10
LINKS = 5
POSTS = 20


@page_view()
async def trends_page(page: Page) -> Response:
    """GET /explore/trends"""
    roost = page.roost
    db, cache, review = roost.db, roost.cache, roost.settings.trends_review
    rows = await tag_rows(db, await trending_tags(db, cache, review=review, limit=TAGS))
    tags = await render_tags_for(db, page.viewer_id, rows, roost.settings.base_url)
    found = await trending_statuses(db, cache, page.viewer_id, review=review, limit=POSTS)
    people = [sum(int(h.accounts) for h in t.history[:2]) for t in tags]
    card_ids = await trending_links(db, cache, review=review, limit=LINKS)
    links = await render_links(db, roost.media_storage, card_ids)
    return render(
        page,
        "trends.html",
        tags=list(zip(tags, people, strict=True)),
        links=[(link, sum(int(h.accounts) for h in link.history[:2])) for link in links],
        statuses=await roost.statuses.render(found, "public"),
    )
