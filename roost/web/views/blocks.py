"""The moderation area's blocks page, for staff with `manage_blocks`: email domains and IP
ranges refused at sign-up (or everywhere), and, with `manage_federation`, domain blocks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response

from roost.blocks import actions
from roost.blocks.entities import DOMAIN_SEVERITIES, IP_SEVERITIES
from roost.blocks.federation import do_block_domain, do_unblock_domain
from roost.blocks.queries import (
    DOMAIN_BLOCK,
    EMAIL_DOMAIN,
    IP,
    Paging,
    access_blocks,
    render_domain_block,
    render_email_domain_block,
    render_ip_block,
)
from roost.errors import NotFound, RoostError
from roost.web.render import (
    Page,
    form_str,
    form_view,
    page_view,
    parse_id,
    read_form,
    redirect,
    render,
)

PATH = "/moderation/blocks"
SHOWN = Paging(limit=200)
# How long a new IP block lasts, in seconds ("" for good), as Mastodon's admin form offers.
EXPIRIES = ("", "86400", "1209600", "2592000", "31536000")


async def _page(page: Page, *, error: str = "", status: int = 200) -> Response:
    actor = page.staff
    if not actor.can("manage_blocks"):
        raise RoostError(page._("This action is not allowed"), status=403)
    db = page.roost.db
    email_rows = await access_blocks(db, actor, EMAIL_DOMAIN, SHOWN)
    ip_rows = await access_blocks(db, actor, IP, SHOWN)
    federation = actor.can("manage_federation")
    domain_rows = await access_blocks(db, actor, DOMAIN_BLOCK, SHOWN) if federation else []
    return render(
        page, "moderation_blocks.html", status_code=status, nav="moderation", tab="blocks",
        email_blocks=[render_email_domain_block(r) for r in email_rows],
        ip_blocks=[render_ip_block(r) for r in ip_rows],
        domain_blocks=[render_domain_block(r) for r in domain_rows], federation=federation,
        ip_severities=IP_SEVERITIES, domain_severities=DOMAIN_SEVERITIES, expiries=EXPIRIES,
        error=error,
    )  # fmt: skip


@page_view(login=True)
async def blocks_page(page: Page) -> Response:
    """GET /moderation/blocks: every block, and forms to add one."""
    return await _page(page)


async def _adding(page: Page, add: Callable[[], Awaitable[object]]) -> Response:
    """Run `add`; on bad input show the page again with the reason (422)."""
    try:
        await add()
    except RoostError as exc:
        if exc.status != 422:
            raise
        return await _page(page, error=exc.message, status=422)
    return redirect(PATH)


@form_view()
async def add_email_domain(page: Page) -> Response:
    """POST /moderation/blocks/email_domains: refuse sign-ups from a domain."""
    form = await read_form(page)
    domain = form_str(page, form, "domain", max_len=300)
    approval = form.get("allow_with_approval") == "1"
    return await _adding(
        page,
        lambda: actions.do_block_email_domain(
            page.roost.db, page.staff, domain, allow_with_approval=approval
        ),
    )


@form_view()
async def add_ip(page: Page) -> Response:
    """POST /moderation/blocks/ips: limit an address or range."""
    form = await read_form(page)
    ip = form_str(page, form, "ip", max_len=100)
    severity = form_str(page, form, "severity", max_len=100)
    comment = form_str(page, form, "comment", max_len=1000)
    expires = form_str(page, form, "expires_in", max_len=20)
    expires_in = int(expires) if expires in EXPIRIES and expires else None
    return await _adding(
        page,
        lambda: actions.do_block_ip(
            page.roost.db, page.staff, ip, severity, comment=comment, expires_in=expires_in
        ),
    )


@form_view()
async def add_domain(page: Page) -> Response:
    """POST /moderation/blocks/domains: limit a server (for federation, later)."""
    form = await read_form(page)
    domain = form_str(page, form, "domain", max_len=300)
    severity = form_str(page, form, "severity", max_len=100)
    comment = form_str(page, form, "public_comment", max_len=1000) or None
    return await _adding(
        page,
        lambda: do_block_domain(
            page.roost.db,
            page.staff,
            domain,
            severity=severity,
            public_comment=comment,
            reject_media=form.get("reject_media") == "1",
            reject_reports=form.get("reject_reports") == "1",
        ),
    )


REMOVALS = {
    "email_domains": actions.do_unblock_email_domain,
    "ips": actions.do_unblock_ip,
    "domains": do_unblock_domain,
}


@form_view()
async def remove(page: Page) -> Response:
    """POST /moderation/blocks/{kind}/{id}/delete: lift a block."""
    lift = REMOVALS.get(str(page.request.path_params["kind"]))
    block_id = parse_id(str(page.request.path_params["id"]))
    if lift is None or block_id is None:
        raise NotFound()
    await read_form(page)
    await lift(page.roost.db, page.staff, block_id)
    return redirect(PATH)
