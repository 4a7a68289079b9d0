"""The instance's own pages: extended description, privacy policy, terms of service,
weekly activity, peers, and NodeInfo 2.0."""

from __future__ import annotations

from datetime import date

from starlette.responses import Response

from roost import __version__
from roost.about import queries
from roost.about.entities import (
    ExtendedDescription,
    NodeInfo,
    NodeInfoLink,
    NodeInfoLinks,
    NodeInfoServices,
    NodeInfoSoftware,
    NodeInfoUsage,
    NodeInfoUsers,
    PrivacyPolicy,
    TermsOfService,
    WeeklyActivity,
)
from roost.api.errors import ApiError
from roost.api.http import Api, ApiRequest
from roost.http.responses import json_response

api = Api()

NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.0"


@api.route("/api/v1/instance/extended_description", response=ExtendedDescription)
async def extended_description(req: ApiRequest) -> Response:
    """The instance's extended description, as HTML."""
    return json_response(await queries.extended_description(req.roost.db))


@api.route("/api/v1/instance/privacy_policy", response=PrivacyPolicy)
async def privacy_policy(req: ApiRequest) -> Response:
    """The instance's privacy policy, as HTML."""
    return json_response(await queries.privacy_policy(req.roost.db))


@api.route("/api/v1/instance/terms_of_service", response=TermsOfService)
async def terms_of_service(req: ApiRequest) -> Response:
    """The terms of service in effect (404 when the instance has none)."""
    return json_response(await queries.terms(req.roost.db))


@api.route("/api/v1/instance/terms_of_service/{date}", response=TermsOfService)
async def terms_of_service_on(req: ApiRequest) -> Response:
    """The version of the terms of service that took effect on a date (YYYY-MM-DD)."""
    try:
        on = date.fromisoformat(str(req.path["date"]))
    except ValueError as exc:
        raise ApiError(404, "Record not found") from exc
    return json_response(await queries.terms(req.roost.db, on))


@api.route("/api/v1/instance/activity", response=list[WeeklyActivity])
async def activity(req: ApiRequest) -> Response:
    """Posts, sign-ins and sign-ups of the last 12 weeks, newest week first."""
    return json_response(await queries.activity(req.roost.db, req.roost.cache))


@api.route("/api/v1/instance/peers", response=list[str])
async def peers(req: ApiRequest) -> Response:
    """Domains this instance knows of: none, as Roost does not federate yet."""
    return json_response([])


@api.route("/.well-known/nodeinfo", response=NodeInfoLinks)
async def nodeinfo_links(req: ApiRequest) -> Response:
    """Where the NodeInfo document is."""
    href = f"{req.roost.settings.base_url}/nodeinfo/2.0"
    return json_response(NodeInfoLinks(links=[NodeInfoLink(rel=NODEINFO_SCHEMA, href=href)]))


@api.route("/nodeinfo/2.0", response=NodeInfo)
async def nodeinfo(req: ApiRequest) -> Response:
    """NodeInfo 2.0: the software, its usage, whether sign-ups are open."""
    s = req.roost.settings
    total, month, halfyear, posts = await queries.usage(req.roost.db, req.roost.cache)
    return json_response(
        NodeInfo(
            version="2.0",
            software=NodeInfoSoftware(name="roost", version=__version__),
            protocols=[],  # no ActivityPub yet: Roost speaks to no other server
            services=NodeInfoServices(outbound=[], inbound=[]),
            usage=NodeInfoUsage(
                users=NodeInfoUsers(total=total, active_month=month, active_halfyear=halfyear),
                local_posts=posts,
            ),
            open_registrations=s.registrations != "closed",
            metadata={"nodeName": s.title, "nodeDescription": s.description},
        )
    )
