"""/api/v1/admin/measures, /dimensions and /retention: the admin dashboard's figures
(Admin::Measure, Admin::Dimension, Admin::Cohort).

They need the `admin:read` scope and a role granting `view_dashboard`: 403 "This action is
not allowed" otherwise, as Mastodon. Bodies come as JSON (Mastodon.py sends
`{"keys": [...], "tag_accounts": {"id": "1"}}`) or forms (`keys[]=...&tag_accounts[id]=1`)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from roost.api.http import Api, ApiRequest
from roost.http.responses import json_response
from roost.moderation.stats_common import Cohort, Dimension, Measure
from roost.moderation.stats_dimensions import access_dimensions
from roost.moderation.stats_measures import access_measures
from roost.moderation.stats_retention import access_retention

api = Api()
READ = "admin:read"
MAX_KEYS = 20


def _keys(req: ApiRequest) -> list[str]:
    return [str(k) for k in req.params.list("keys")[:MAX_KEYS]]


def _between(req: ApiRequest) -> tuple[Any, Any]:
    return req.params.raw("start_at"), req.params.raw("end_at")


def _key_params(req: ApiRequest, keys: list[str]) -> dict[str, str | None]:
    """`key[id]` and `key[domain]` of each key asked for."""
    p = req.params
    return {
        f"{k}[{name}]": p.str(f"{k}[{name}]", max_len=300)
        for k in keys
        for name in ("id", "domain")
    }


@api.route("/api/v1/admin/measures", "POST", scope=READ, user=True, response=list[Measure])
async def measures(req: ApiRequest) -> Response:
    """Figures day by day between `start_at` and `end_at`, for each of `keys[]`."""
    keys = _keys(req)
    found = await access_measures(
        req.roost.db, req.staff, keys, _between(req), _key_params(req, keys),
        req.roost.settings.domain,
    )  # fmt: skip
    return json_response(found)


@api.route("/api/v1/admin/dimensions", "POST", scope=READ, user=True, response=list[Dimension])
async def dimensions(req: ApiRequest) -> Response:
    """Breakdowns (languages, apps, servers, space, versions...) for each of `keys[]`."""
    p, keys, roost = req.params, _keys(req), req.roost
    found = await access_dimensions(
        roost.db, req.staff, keys, _between(req), p.int("limit", 10, lo=1, hi=100),
        _key_params(req, keys), local_domain=roost.settings.domain,
        redis=roost.backends.redis, storage=roost.media_storage, cache=roost.cache,
    )  # fmt: skip
    return json_response(found)


@api.route("/api/v1/admin/retention", "POST", scope=READ, user=True, response=list[Cohort])
async def retention(req: ApiRequest) -> Response:
    """Of who signed up each day or month (`frequency`), how many stayed active."""
    frequency = req.params.str("frequency", "day", max_len=10)
    found = await access_retention(req.roost.db, req.staff, _between(req), frequency)
    return json_response(found)
