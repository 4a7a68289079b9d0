"""/api/v2/filters (with their keywords and statuses) and the pre-4.0 /api/v1/filters."""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import UploadFile
from starlette.responses import Response

from roost.api.http import Api, ApiRequest
from roost.filters import actions
from roost.filters.actions import FilterChange, KeywordChange
from roost.filters.entities import Filter, FilterKeyword, FilterStatus, V1Filter
from roost.filters.queries import (
    access_filter_status,
    access_keyword,
    filter_statuses_of,
    filters_of,
    keyword_entity,
    keywords_of,
    one_filter,
    status_entity,
    v1_entity,
    v1_filters,
)
from roost.http.params import Params, invalid
from roost.http.responses import json_response

api = Api()
MAX_ENTRIES = 200  # keywords_attributes per request
_KEYWORD_KEY = re.compile(r"keywords_attributes\[([^\]]*)\]\[(keyword|whole_word|id|_destroy)\]")


async def _ordered_pairs(req: ApiRequest) -> list[tuple[str, Any]]:
    """The query's and form body's parameters in their order (Rails groups
    `keywords_attributes[][...]` by it); a JSON body is in `req.params` only."""
    pairs: list[tuple[str, Any]] = list(req.request.query_params.multi_items())
    ctype = req.request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        pairs += list((await req.request.form()).multi_items())
    return pairs


async def _keywords_attributes(req: ApiRequest) -> list[KeywordChange]:
    """`keywords_attributes[][keyword]`, `[whole_word]`, `[id]`, `[_destroy]`: grouped as
    Rails does (a new keyword where a field repeats), or indexed (`[0][keyword]`, which a
    JSON array of objects becomes)."""
    entries: dict[str, dict[str, Any]] = {}
    listed: list[dict[str, Any]] = []
    for key, value in await _ordered_pairs(req):
        found = _KEYWORD_KEY.fullmatch(key)
        if found is None:
            continue
        index, name = found.groups()
        if index:
            entries.setdefault(index, {})[name] = value
        elif listed and name not in listed[-1]:
            listed[-1][name] = value
        else:
            listed.append({name: value})
    p = req.params
    for i in range(MAX_ENTRIES + 1):
        fields = ("keyword", "whole_word", "id", "_destroy")
        given = {f: p.raw(f"keywords_attributes[{i}][{f}]") for f in fields}
        if any(p.has(f"keywords_attributes[{i}][{f}]") for f in fields):
            entries.setdefault(str(i), {}).update({k: v for k, v in given.items() if v is not None})
    wanted = [*entries.values(), *listed]
    if len(wanted) > MAX_ENTRIES:
        raise invalid(f"Too many keywords (maximum is {MAX_ENTRIES})")
    changes = []
    for entry in wanted:
        if any(isinstance(v, UploadFile) for v in entry.values()):
            raise invalid("keywords_attributes must be text")
        if all(str(v).strip() == "" for k, v in entry.items() if k != "_destroy"):
            continue  # Rails' reject_if: :all_blank
        one = Params({k: [v] for k, v in entry.items()})
        changes.append(
            KeywordChange(
                keyword=one.str("keyword", max_len=10_000),
                whole_word=one.bool("whole_word"),
                id=one.id("id"),
                destroy=bool(one.bool("_destroy", False)),
            )
        )
    return changes


def _contexts(p: Params) -> list[str] | None:
    if not p.has("context"):
        return None
    values = p.list("context")
    if len(values) > 20 or not all(isinstance(v, str) for v in values):
        raise invalid("Context None or invalid context supplied")
    return [str(v) for v in values]


def _expiry(p: Params) -> dict[str, Any]:
    if not p.has("expires_in"):
        return {}
    return {"set_expiry": True, "expires_in": p.int("expires_in")}


async def _change(req: ApiRequest) -> FilterChange:
    p = req.params
    return FilterChange(
        title=p.str("title", max_len=10_000),
        context=_contexts(p),
        action=p.str("filter_action", max_len=20),
        keywords=await _keywords_attributes(req),
        **_expiry(p),
    )


@api.route("/api/v2/filters", scope="read:filters", user=True, response=list[Filter])
async def get_filters(req: ApiRequest) -> Response:
    """One's filters, with their keywords and statuses."""
    return json_response(await filters_of(req.roost.db, req.me_id))


@api.route("/api/v2/filters/{id}", scope="read:filters", user=True, response=Filter)
async def get_filter(req: ApiRequest) -> Response:
    """One of one's filters."""
    return json_response(await one_filter(req.roost.db, req.me_id, req.path_id()))


@api.route("/api/v2/filters", "POST", scope="write:filters", user=True, response=Filter)
async def create_filter(req: ApiRequest) -> Response:
    """Make a filter (`title`, `context[]`, `filter_action`, `expires_in`,
    `keywords_attributes[]`)."""
    db = req.roost.db
    filter_id = await actions.do_create_filter(db, req.me_id, await _change(req))
    return json_response(await one_filter(db, req.me_id, filter_id))


@api.route("/api/v2/filters/{id}", "PUT", scope="write:filters", user=True, response=Filter)
async def update_filter(req: ApiRequest) -> Response:
    """Change a filter and its keywords (`keywords_attributes[][id]`, `[_destroy]`)."""
    db, filter_id = req.roost.db, req.path_id()
    await actions.do_update_filter(db, req.me_id, filter_id, await _change(req))
    return json_response(await one_filter(db, req.me_id, filter_id))


@api.route("/api/v2/filters/{id}", "DELETE", scope="write:filters", user=True)
async def delete_filter(req: ApiRequest) -> Response:
    """Delete a filter."""
    await actions.do_delete_filter(req.roost.db, req.me_id, req.path_id())
    return json_response({})


@api.route("/api/v2/filters/{filter_id}/keywords", scope="read:filters", user=True,
           response=list[FilterKeyword])  # fmt: skip
async def get_keywords(req: ApiRequest) -> Response:
    """A filter's keywords."""
    return json_response(await keywords_of(req.roost.db, req.me_id, req.path_id("filter_id")))


@api.route("/api/v2/filters/{filter_id}/keywords", "POST", scope="write:filters", user=True,
           response=FilterKeyword)  # fmt: skip
async def add_keyword(req: ApiRequest) -> Response:
    """Add a keyword to a filter (`keyword`, `whole_word`)."""
    p, db = req.params, req.roost.db
    keyword_id = await actions.do_add_keyword(
        db, req.me_id, req.path_id("filter_id"), p.str("keyword", max_len=10_000),
        p.bool("whole_word"),
    )  # fmt: skip
    return json_response(keyword_entity(await access_keyword(db, req.me_id, keyword_id)))


@api.route("/api/v2/filters/keywords/{id}", scope="read:filters", user=True,
           response=FilterKeyword)  # fmt: skip
async def get_keyword(req: ApiRequest) -> Response:
    """One keyword of one's filters."""
    return json_response(keyword_entity(await access_keyword(req.roost.db, req.me_id,
                                                             req.path_id())))  # fmt: skip


@api.route("/api/v2/filters/keywords/{id}", "PUT", scope="write:filters", user=True,
           response=FilterKeyword)  # fmt: skip
async def update_keyword(req: ApiRequest) -> Response:
    """Change a keyword (`keyword`, `whole_word`)."""
    p, db, keyword_id = req.params, req.roost.db, req.path_id()
    await actions.do_update_keyword(
        db, req.me_id, keyword_id, p.str("keyword", max_len=10_000), p.bool("whole_word")
    )
    return json_response(keyword_entity(await access_keyword(db, req.me_id, keyword_id)))


@api.route("/api/v2/filters/keywords/{id}", "DELETE", scope="write:filters", user=True)
async def delete_keyword(req: ApiRequest) -> Response:
    """Remove a keyword from its filter."""
    await actions.do_delete_keyword(req.roost.db, req.me_id, req.path_id())
    return json_response({})


@api.route("/api/v2/filters/{filter_id}/statuses", scope="read:filters", user=True,
           response=list[FilterStatus])  # fmt: skip
async def get_filter_statuses(req: ApiRequest) -> Response:
    """The posts a filter matches by id."""
    found = await filter_statuses_of(req.roost.db, req.me_id, req.path_id("filter_id"))
    return json_response(found)


@api.route("/api/v2/filters/{filter_id}/statuses", "POST", scope="write:filters", user=True,
           response=FilterStatus)  # fmt: skip
async def add_filter_status(req: ApiRequest) -> Response:
    """Add a post to a filter (`status_id`)."""
    status_id = req.params.id("status_id")
    if status_id is None:
        raise invalid("Status can't be blank")
    db = req.roost.db
    row_id = await actions.do_add_filter_status(db, req.me_id, req.path_id("filter_id"), status_id)
    return json_response(status_entity(await access_filter_status(db, req.me_id, row_id)))


@api.route("/api/v2/filters/statuses/{id}", scope="read:filters", user=True,
           response=FilterStatus)  # fmt: skip
async def get_filter_status(req: ApiRequest) -> Response:
    """One post of one's filters."""
    row = await access_filter_status(req.roost.db, req.me_id, req.path_id())
    return json_response(status_entity(row))


@api.route("/api/v2/filters/statuses/{id}", "DELETE", scope="write:filters", user=True)
async def delete_filter_status(req: ApiRequest) -> Response:
    """Remove a post from its filter."""
    await actions.do_delete_filter_status(req.roost.db, req.me_id, req.path_id())
    return json_response({})


def _v1_change(p: Params) -> FilterChange:
    irreversible = p.bool("irreversible")
    return FilterChange(
        context=_contexts(p),
        action=None if irreversible is None else ("hide" if irreversible else "warn"),
        **_expiry(p),
    )


@api.route("/api/v1/filters", scope="read:filters", user=True, response=list[V1Filter])
async def get_v1_filters(req: ApiRequest) -> Response:
    """One's filters' keywords, one V1::Filter each (deprecated by Mastodon 4.0)."""
    return json_response(await v1_filters(req.roost.db, req.me_id))


@api.route("/api/v1/filters/{id}", scope="read:filters", user=True, response=V1Filter)
async def get_v1_filter(req: ApiRequest) -> Response:
    """One V1::Filter (the id is a keyword's)."""
    return json_response(v1_entity(await access_keyword(req.roost.db, req.me_id, req.path_id())))


@api.route("/api/v1/filters", "POST", scope="write:filters", user=True, response=V1Filter)
async def create_v1_filter(req: ApiRequest) -> Response:
    """Make a filter of one phrase (`phrase`, `context[]`, `irreversible`, `whole_word`,
    `expires_in`): a filter titled by the phrase, with it as its one keyword."""
    p, db = req.params, req.roost.db
    keyword_id = await actions.do_create_v1_filter(
        db, req.me_id, p.str("phrase", max_len=10_000), _v1_change(p), p.bool("whole_word")
    )
    return json_response(v1_entity(await access_keyword(db, req.me_id, keyword_id)))


@api.route("/api/v1/filters/{id}", "PUT", scope="write:filters", user=True, response=V1Filter)
async def update_v1_filter(req: ApiRequest) -> Response:
    """Change a V1::Filter (its context, action and expiry only when its filter has no
    other keyword)."""
    p, db, keyword_id = req.params, req.roost.db, req.path_id()
    await actions.do_update_v1_filter(
        db, req.me_id, keyword_id, p.str("phrase", max_len=10_000), p.bool("whole_word"),
        _v1_change(p),
    )  # fmt: skip
    return json_response(v1_entity(await access_keyword(db, req.me_id, keyword_id)))


@api.route("/api/v1/filters/{id}", "DELETE", scope="write:filters", user=True)
async def delete_v1_filter(req: ApiRequest) -> Response:
    """Delete a V1::Filter: its keyword (the filter stays, as Mastodon)."""
    await actions.do_delete_keyword(req.roost.db, req.me_id, req.path_id())
    return json_response({})
