"""Hashtags on the web: a tag's page (its public posts, with buttons to follow and feature
it), following and featuring from there, and the page of one's followed hashtags."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response

from roost.db import Database
from roost.errors import Invalid, NotFound, RoostError
from roost.tags import actions
from roost.tags.queries import access_tag_entity, check_tag_name, followed_tags_page
from roost.timelines import queries as tl
from roost.web.render import (
    Page,
    form_str,
    form_view,
    page_view,
    parse_id,
    read_form,
    redirect,
    render,
    safe_next,
)
from roost.web.views.timelines import older_link, statuses_of

FOLLOWED_PAGE = 100

# What each button on a tag's page does.
TAG_ACTIONS: dict[str, Callable[[Database, int, str], Awaitable[object]]] = {
    "follow": actions.do_follow_tag,
    "unfollow": actions.do_unfollow_tag,
    "feature": actions.do_feature_tag,
    "unfeature": actions.do_unfeature_tag,
}


def _name(page: Page) -> str:
    return check_tag_name(str(page.request.path_params["name"]))


@page_view()
async def tag(page: Page) -> Response:
    """GET /tags/{name}: public posts with a hashtag; follow or feature it from here."""
    name = _name(page)
    paging = tl.Paging(max_id=parse_id(page.request.query_params.get("max_id")), limit=20)
    ids = await tl.tag_timeline(page.roost.db, page.viewer_id, name, paging)
    entity = await access_tag_entity(page.roost.db, page.viewer_id, name, page.base_url)
    return render(
        page,
        "tag.html",
        tag=entity,
        name=name.lower(),
        uses=sum(int(h.uses) for h in entity.history),
        statuses=await statuses_of(page, ids, "public"),
        older=older_link(page, ids),
    )


@form_view()
async def change(page: Page) -> Response:
    """POST /tags/{name}/{action}: follow, unfollow, feature or unfeature a hashtag."""
    name = _name(page)
    act = TAG_ACTIONS.get(str(page.request.path_params["action"]))
    if act is None:
        raise NotFound()
    form = await read_form(page)
    try:
        await act(page.roost.db, page.me_id, name)
    except Invalid as exc:
        raise RoostError(
            page._("You can feature at most 10 hashtags on your profile."), status=422
        ) from exc
    return redirect(safe_next(form_str(page, form, "next", max_len=2000), f"/tags/{name.lower()}"))


@page_view(login=True)
async def followed(page: Page) -> Response:
    """GET /followed_tags: the hashtags one follows, each with a button to unfollow it."""
    max_id = parse_id(page.request.query_params.get("max_id"))
    found, ids = await followed_tags_page(
        page.roost.db, page.me_id, page.base_url, max_id=max_id, limit=FOLLOWED_PAGE
    )
    return render(
        page,
        "followed_tags.html",
        tags=found,
        older=older_link(page, ids, FOLLOWED_PAGE),
        next_url="/followed_tags",
    )
