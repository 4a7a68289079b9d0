"""/api/v1/admin/email_domain_blocks, /canonical_email_blocks and /ip_blocks: who may not
sign up, or reach the instance at all (Admin::EmailDomainBlock, Admin::CanonicalEmailBlock
and Admin::IpBlock entities).

Reading needs `admin:read:<thing>` (or `admin:read`), changing `admin:write:<thing>` (or
`admin:write`), and the account's role must grant `manage_blocks`: 403 "This action is not
allowed" otherwise, as Mastodon."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from roost.api.http import Api, ApiRequest, page_response
from roost.blocks import actions
from roost.blocks.check import canonical_email_hash
from roost.blocks.entities import AdminCanonicalEmailBlock, AdminEmailDomainBlock, AdminIpBlock
from roost.blocks.queries import (
    CANONICAL_EMAIL,
    EMAIL_DOMAIN,
    IP,
    Kind,
    Paging,
    access_block,
    access_blocks,
    access_matching_canonical_blocks,
    render_canonical_email_block,
    render_email_domain_block,
    render_ip_block,
)
from roost.http.responses import json_response

api = Api()
MAX_TEXT = 1000


def paging(req: ApiRequest) -> Paging:
    """Mastodon's paging parameters (100 a page by default, 200 at most)."""
    p = req.params
    return Paging(
        max_id=p.id("max_id"), since_id=p.id("since_id"), min_id=p.id("min_id"),
        limit=p.int("limit", 100, lo=1, hi=200),
    )  # fmt: skip


def readable(
    api: Api, path: str, name: str, kind: Kind, render: Callable[[Any], Any], entity: Any
) -> None:
    """GET `path` (a page, newest first) and GET `path/{id}`, for staff allowed `kind`."""
    scope = f"admin:read:{name}"

    async def listed(req: ApiRequest) -> Response:
        rows = await access_blocks(req.roost.db, req.staff, kind, paging(req))
        first, last = (rows[0].id, rows[-1].id) if rows else (None, None)
        return page_response(req, [render(r) for r in rows], first, last)

    async def one(req: ApiRequest) -> Response:
        row = await access_block(req.roost.db, req.staff, kind, req.path_id())
        return json_response(render(row))

    listed.__doc__ = f"The {name.replace('_', ' ')}, newest first."
    one.__doc__ = f"One of the {name.replace('_', ' ')}."
    listed.__name__, one.__name__ = f"list_{name}", f"show_{name}"
    api.route(path, scope=scope, user=True, response=list[entity])(listed)
    api.route(f"{path}/{{id}}", scope=scope, user=True, response=entity)(one)


def deletable(api: Api, path: str, name: str, delete: Any) -> None:
    """DELETE `path/{id}`: lift the block; answers `{}`."""

    async def handler(req: ApiRequest) -> Response:
        await delete(req.roost.db, req.staff, req.path_id())
        return json_response({})

    handler.__doc__ = f"Remove one of the {name.replace('_', ' ')}."
    handler.__name__ = f"delete_{name}"
    api.route(f"{path}/{{id}}", "DELETE", scope=f"admin:write:{name}", user=True)(handler)


EMAIL_DOMAINS = "/api/v1/admin/email_domain_blocks"
readable(api, EMAIL_DOMAINS, "email_domain_blocks", EMAIL_DOMAIN, render_email_domain_block,
         AdminEmailDomainBlock)  # fmt: skip
deletable(api, EMAIL_DOMAINS, "email_domain_blocks", actions.do_unblock_email_domain)


@api.route(EMAIL_DOMAINS, "POST", scope="admin:write:email_domain_blocks", user=True,
           response=AdminEmailDomainBlock)  # fmt: skip
async def create_email_domain_block(req: ApiRequest) -> Response:
    """Refuse sign-ups from `domain` and its subdomains (with `allow_with_approval`, hold
    them for approval instead)."""
    p, actor = req.params, req.staff
    block_id = await actions.do_block_email_domain(
        req.roost.db, actor, p.required_str("domain", max_len=300),
        allow_with_approval=bool(p.bool("allow_with_approval", False)),
    )  # fmt: skip
    row = await access_block(req.roost.db, actor, EMAIL_DOMAIN, block_id)
    return json_response(render_email_domain_block(row))


CANONICAL = "/api/v1/admin/canonical_email_blocks"
readable(api, CANONICAL, "canonical_email_blocks", CANONICAL_EMAIL,
         render_canonical_email_block, AdminCanonicalEmailBlock)  # fmt: skip
deletable(api, CANONICAL, "canonical_email_blocks", actions.do_unblock_canonical_email)


@api.route(CANONICAL, "POST", scope="admin:write:canonical_email_blocks", user=True,
           response=AdminCanonicalEmailBlock)  # fmt: skip
async def create_canonical_email_block(req: ApiRequest) -> Response:
    """Refuse sign-ups whose canonical address is `email`'s, or has `canonical_email_hash`."""
    p, actor = req.params, req.staff
    block_id = await actions.do_block_canonical_email(
        req.roost.db, actor, email=p.str("email", max_len=MAX_TEXT),
        email_hash=p.str("canonical_email_hash", max_len=MAX_TEXT),
    )  # fmt: skip
    row = await access_block(req.roost.db, actor, CANONICAL_EMAIL, block_id)
    return json_response(render_canonical_email_block(row))


@api.route(f"{CANONICAL}/test", "POST", scope="admin:read:canonical_email_blocks", user=True,
           response=list[AdminCanonicalEmailBlock])  # fmt: skip
async def test_canonical_email_blocks(req: ApiRequest) -> Response:
    """The canonical email blocks that `email` matches."""
    email = req.params.required_str("email", max_len=MAX_TEXT)
    rows = await access_matching_canonical_blocks(
        req.roost.db, req.staff, canonical_email_hash(email)
    )
    return json_response([render_canonical_email_block(r) for r in rows])


IPS = "/api/v1/admin/ip_blocks"
readable(api, IPS, "ip_blocks", IP, render_ip_block, AdminIpBlock)
deletable(api, IPS, "ip_blocks", actions.do_unblock_ip)


def _kept(req: ApiRequest, name: str, value: Callable[[], Any]) -> Any:
    return value() if req.params.has(name) else actions.KEEP


@api.route(IPS, "POST", scope="admin:write:ip_blocks", user=True, response=AdminIpBlock)
async def create_ip_block(req: ApiRequest) -> Response:
    """Limit an address or CIDR range (`ip`) with a `severity`, for `expires_in` seconds
    or for good."""
    p, actor = req.params, req.staff
    block_id = await actions.do_block_ip(
        req.roost.db, actor, p.required_str("ip", max_len=100),
        p.str("severity", "", max_len=100), comment=p.str("comment", "", max_len=MAX_TEXT),
        expires_in=p.int("expires_in"),
    )  # fmt: skip
    return json_response(render_ip_block(await access_block(req.roost.db, actor, IP, block_id)))


@api.route(f"{IPS}/{{id}}", "PUT", scope="admin:write:ip_blocks", user=True,
           response=AdminIpBlock)  # fmt: skip
async def update_ip_block(req: ApiRequest) -> Response:
    """Change an IP block's `ip`, `severity`, `comment` or `expires_in` (those given)."""
    p, actor, block_id = req.params, req.staff, req.path_id()
    await actions.do_update_ip_block(
        req.roost.db, actor, block_id,
        ip=_kept(req, "ip", lambda: p.str("ip", "", max_len=100)),
        severity=_kept(req, "severity", lambda: p.str("severity", "", max_len=100)),
        comment=_kept(req, "comment", lambda: p.str("comment", "", max_len=MAX_TEXT)),
        expires_in=_kept(req, "expires_in", lambda: p.int("expires_in")),
    )  # fmt: skip
    return json_response(render_ip_block(await access_block(req.roost.db, actor, IP, block_id)))
