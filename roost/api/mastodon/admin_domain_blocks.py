"""/api/v1/admin/domain_blocks and /api/v1/admin/domain_allows: the federation policy
towards other servers (Admin::DomainBlock, Admin::DomainAllow). Stored now for federation
to apply later; nothing local changes.

Reading needs `admin:read:<thing>` (or `admin:read`), changing `admin:write:<thing>` (or
`admin:write`), and the account's role must grant `manage_federation`."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from roost.api.http import Api, ApiRequest
from roost.api.mastodon.admin_blocks import deletable, readable
from roost.blocks.actions import KEEP
from roost.blocks.entities import AdminDomainAllow, AdminDomainBlock
from roost.blocks.federation import (
    DomainAlreadyBlocked,
    do_allow_domain,
    do_block_domain,
    do_disallow_domain,
    do_unblock_domain,
    do_update_domain_block,
)
from roost.blocks.queries import (
    DOMAIN_ALLOW,
    DOMAIN_BLOCK,
    access_block,
    render_domain_allow,
    render_domain_block,
)
from roost.http.params import Params
from roost.http.responses import json_response

api = Api()
BLOCKS, ALLOWS = "/api/v1/admin/domain_blocks", "/api/v1/admin/domain_allows"
MAX_TEXT = 1000
FLAGS = ("reject_media", "reject_reports", "obfuscate")
COMMENTS = ("private_comment", "public_comment")

readable(api, BLOCKS, "domain_blocks", DOMAIN_BLOCK, render_domain_block, AdminDomainBlock)
deletable(api, BLOCKS, "domain_blocks", do_unblock_domain)
readable(api, ALLOWS, "domain_allows", DOMAIN_ALLOW, render_domain_allow, AdminDomainAllow)
deletable(api, ALLOWS, "domain_allows", do_disallow_domain)


def _policy(p: Params, default: Any) -> dict[str, Any]:
    """The policy values given; those absent are `default`."""
    values: dict[str, Any] = {}
    values["severity"] = p.str("severity", max_len=100) if p.has("severity") else default
    for name in FLAGS:
        values[name] = p.bool(name) if p.has(name) else default
    for name in COMMENTS:
        values[name] = p.str(name, max_len=MAX_TEXT + 1) if p.has(name) else default
    return values


@api.route(BLOCKS, "POST", scope="admin:write:domain_blocks", user=True,
           response=AdminDomainBlock)  # fmt: skip
async def create_domain_block(req: ApiRequest) -> Response:
    """Limit a server: `severity` silence (default), suspend or noop, and whether to
    reject its media or reports. 422 with `existing_domain_block` when it already is."""
    p, actor = req.params, req.staff
    given = {k: v for k, v in _policy(p, None).items() if v is not None}
    given = {**given, **{name: bool(given.get(name, False)) for name in FLAGS}}
    try:
        block_id = await do_block_domain(
            req.roost.db, actor, p.required_str("domain", max_len=300), **given
        )
    except DomainAlreadyBlocked as exc:
        existing = render_domain_block(exc.existing)
        return json_response({"error": exc.message, "existing_domain_block": existing}, 422)
    row = await access_block(req.roost.db, actor, DOMAIN_BLOCK, block_id)
    return json_response(render_domain_block(row))


@api.route(f"{BLOCKS}/{{id}}", "PUT", scope="admin:write:domain_blocks", user=True,
           response=AdminDomainBlock)  # fmt: skip
async def update_domain_block(req: ApiRequest) -> Response:
    """Change a domain block's policy (the values given; its domain stays)."""
    actor, block_id = req.staff, req.path_id()
    await do_update_domain_block(req.roost.db, actor, block_id, **_policy(req.params, KEEP))
    row = await access_block(req.roost.db, actor, DOMAIN_BLOCK, block_id)
    return json_response(render_domain_block(row))


@api.route(ALLOWS, "POST", scope="admin:write:domain_allows", user=True,
           response=AdminDomainAllow)  # fmt: skip
async def create_domain_allow(req: ApiRequest) -> Response:
    """Allow a server to federate (the existing allow when it already is)."""
    actor = req.staff
    allow_id = await do_allow_domain(
        req.roost.db, actor, req.params.required_str("domain", max_len=300)
    )
    row = await access_block(req.roost.db, actor, DOMAIN_ALLOW, allow_id)
    return json_response(render_domain_allow(row))
