"""/api/v1/instance, /api/v2/instance and custom emojis."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

from roost import MASTODON_VERSION, __version__
from roost.about.queries import has_terms
from roost.accounts.entities import Account
from roost.api.http import Api, ApiRequest
from roost.http.responses import json_response
from roost.media import limits as media_limits
from roost.moderation.entities import Rule
from roost.moderation.rules import current_rules
from roost.polls import entities as polls
from roost.statistics import contact_account_id, instance_counts

api = Api()

VERSION = f"{MASTODON_VERSION} (compatible; Roost {__version__})"
SOURCE_URL = "https://github.com/roost-social/roost"


class V1Instance(msgspec.Struct, kw_only=True):
    uri: str
    title: str
    short_description: str
    description: str
    email: str
    version: str
    urls: dict[str, str]
    stats: dict[str, int]
    thumbnail: str | None
    languages: list[str]
    registrations: bool
    approval_required: bool
    invites_enabled: bool
    configuration: dict[str, dict[str, Any]]
    contact_account: Account | None
    rules: list[Rule]


class Instance(msgspec.Struct, kw_only=True):
    domain: str
    title: str
    version: str
    source_url: str
    description: str
    usage: dict[str, dict[str, int]]
    thumbnail: dict[str, Any]
    icon: list[dict[str, str]]
    languages: list[str]
    configuration: dict[str, dict[str, Any]]
    registrations: dict[str, Any]
    api_versions: dict[str, int]
    contact: dict[str, Any]
    rules: list[Rule]


def _configuration(req: ApiRequest) -> dict[str, dict[str, Any]]:
    s = req.roost.settings
    return {
        "urls": {"streaming": s.base_url.replace("http", "ws", 1), "status": ""},
        "vapid": {"public_key": s.vapid_public_key},
        "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
        "statuses": {
            "max_characters": s.max_post_chars,
            "max_media_attachments": 4,
            "characters_reserved_per_url": 23,  # twitter-text: every URL weighs 23
        },
        "media_attachments": {
            "supported_mime_types": list(media_limits.SUPPORTED_MIME_TYPES),
            "description_limit": media_limits.DESCRIPTION_LIMIT,
            "image_size_limit": media_limits.IMAGE_LIMIT,
            "image_matrix_limit": media_limits.IMAGE_MATRIX_LIMIT,
            "video_size_limit": media_limits.VIDEO_LIMIT,
            "video_frame_rate_limit": media_limits.VIDEO_FRAME_RATE_LIMIT,
            "video_matrix_limit": media_limits.VIDEO_MATRIX_LIMIT,
        },
        "polls": {
            "max_options": polls.MAX_OPTIONS,
            "max_characters_per_option": polls.MAX_OPTION_CHARS,
            "min_expiration": polls.MIN_EXPIRATION,
            "max_expiration": polls.MAX_EXPIRATION,
        },
        "translation": {"enabled": False},
    }


async def _contact(req: ApiRequest) -> Account | None:
    admin_id = await contact_account_id(req.roost.db)
    if admin_id is None:
        return None
    found = await req.roost.accounts.listed([admin_id])
    return found[0] if found else None


async def _counts(req: ApiRequest) -> tuple[int, int]:
    return await instance_counts(req.roost.db, req.roost.cache)


@api.route("/api/v1/instance", response=V1Instance)
async def instance_v1(req: ApiRequest) -> Response:
    """Information about the server (v1)."""
    s = req.roost.settings
    user_count, status_count = await _counts(req)
    return json_response(
        V1Instance(
            uri=s.domain,
            title=s.title,
            short_description=s.description,
            description=s.description,
            email=s.contact_email,
            version=VERSION,
            urls={"streaming_api": s.base_url.replace("http", "ws", 1)},
            stats={"user_count": user_count, "status_count": status_count, "domain_count": 0},
            thumbnail=None,
            languages=["en", "fr"],
            registrations=s.registrations != "closed",
            approval_required=s.registrations == "approval",
            invites_enabled=False,
            configuration=_configuration(req),
            contact_account=await _contact(req),
            rules=await current_rules(req.roost.db),
        )
    )


@api.route("/api/v2/instance", response=Instance)
async def instance_v2(req: ApiRequest) -> Response:
    """Information about the server (v2)."""
    s = req.roost.settings
    user_count, _ = await _counts(req)
    config = _configuration(req)
    config["accounts"]["max_display_name_length"] = 30
    config["urls"].update(  # Mastodon 4.4+: where the instance's own pages are
        about=f"{s.base_url}/about",
        privacy_policy=f"{s.base_url}/privacy-policy",
        terms_of_service=f"{s.base_url}/terms" if await has_terms(req.roost.db) else None,
    )
    return json_response(
        Instance(
            domain=s.domain,
            title=s.title,
            version=VERSION,
            source_url=SOURCE_URL,
            description=s.description,
            usage={"users": {"active_month": user_count}},
            thumbnail={"url": f"{s.base_url}/static/header.png"},
            icon=[{"src": f"{s.base_url}/static/avatar.png", "size": "120x120"}],
            languages=["en", "fr"],
            configuration=config,
            registrations={
                "enabled": s.registrations != "closed",
                "approval_required": s.registrations == "approval",
                "message": None,
                "url": None,
            },
            api_versions={"mastodon": 6},
            contact={"email": s.contact_email, "account": await _contact(req)},
            rules=await current_rules(req.roost.db),
        )
    )
