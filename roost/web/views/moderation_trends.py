"""/moderation/trends: the hashtags, posts and links that rank as trending, reviewed or
not, with buttons to approve or reject each (staff with `manage_taxonomies`), as
/api/v1/admin/trends does."""

from __future__ import annotations

from starlette.responses import Response

from roost.errors import NotFound
from roost.moderation.stats_trends import (
    Decisions,
    access_trend_candidates,
    admin_statuses,
    admin_tags,
    check_reviewer,
    render_admin_links,
)
from roost.statuses.queries import visible_ids
from roost.tags.queries import render_tags_for
from roost.trends.actions import do_review
from roost.trends.queries import tag_rows
from roost.web.render import Page, form_view, page_view, parse_id, read_form, redirect, render

SHOWN = 40
KINDS = {"tags": "tag", "statuses": "status", "links": "link"}
VERBS = {"approve": True, "reject": False}


def _state(decisions: Decisions, target_id: int) -> str:
    return {None: "pending", True: "approved", False: "rejected"}[decisions.get(target_id)]


@page_view(login=True)
async def trends_review(page: Page) -> Response:
    """GET /moderation/trends: every candidate, the strongest first, with its state."""
    roost, actor = page.roost, page.staff
    db, cache, review = roost.db, roost.cache, roost.settings.trends_review
    tag_ids, tag_state = await access_trend_candidates(db, cache, actor, "tag", limit=SHOWN)
    rendered = await render_tags_for(db, page.viewer_id, await tag_rows(db, tag_ids),
                                     roost.settings.base_url)  # fmt: skip
    tags = admin_tags(rendered, tag_state, review)
    post_ids, post_state = await access_trend_candidates(db, cache, actor, "status", limit=SHOWN)
    seen = await visible_ids(db, page.viewer_id, post_ids)
    posts = admin_statuses(await roost.statuses.render(seen), post_state)
    link_ids, link_state = await access_trend_candidates(db, cache, actor, "link", limit=SHOWN)
    links = await render_admin_links(db, roost.media_storage, link_ids, link_state)
    return render(
        page, "moderation_trends.html", nav="moderation", tab="trends", review=review,
        tags=[(t, _state(tag_state, int(t.id))) for t in tags],
        posts=[(s, _state(post_state, int(s.id))) for s in posts],
        links=[(link, _state(link_state, int(link.id))) for link in links],
    )  # fmt: skip


@form_view()
async def trends_decide(page: Page) -> Response:
    """POST /moderation/trends/{kind}/{id}/{verb}: approve or reject one (audited)."""
    params = page.request.path_params
    kind, trendable = KINDS.get(str(params["kind"])), VERBS.get(str(params["verb"]))
    target_id = parse_id(str(params["id"]))
    if kind is None or trendable is None or target_id is None:
        raise NotFound()
    await read_form(page)
    actor = page.staff
    check_reviewer(actor)
    await do_review(page.roost.db, kind, target_id, trendable, actor)
    return redirect("/moderation/trends")
