"""Announcements on the web: shown at the top of home (dismiss, react), and the staff's
page that writes them (permission `manage_announcements`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.datastructures import FormData
from starlette.responses import Response

from roost.announcements import actions
from roost.announcements.actions import AnnouncementChange
from roost.announcements.entities import Announcement
from roost.announcements.queries import access_announcements, all_announcements, announcement_row
from roost.errors import Invalid, NotFound, RoostError
from roost.web.render import (
    Page,
    form_str,
    form_view,
    page_view,
    read_form,
    redirect,
    render,
    safe_next,
)
from roost.web.views.about import check_staff

QUICK_REACTIONS = ("👍", "🎉", "❤️", "😄")


async def unread_announcements(page: Page) -> list[Announcement]:
    """The announcements the viewer has not dismissed (for the home page)."""
    found = await access_announcements(page.roost.db, page.me_id)
    return [a for a in found if not a.read]


def _back(page: Page, form: FormData) -> Response:
    return redirect(safe_next(form_str(page, form, "next", max_len=2000)))


@form_view()
async def dismiss(page: Page) -> Response:
    """POST /announcements/{id}/dismiss"""
    form = await read_form(page)
    try:
        await actions.do_dismiss(page.roost.db, page.me_id, page.path_id())
    except NotFound as exc:
        raise RoostError(page._("There is no such announcement."), status=404) from exc
    return _back(page, form)


@form_view()
async def react(page: Page) -> Response:
    """POST /announcements/{id}/react: add the reaction `name`, or take it back (`undo`)."""
    form = await read_form(page)
    name = form_str(page, form, "name", max_len=100)
    try:
        if form.get("undo") == "1":
            await actions.do_remove_reaction(page.roost.db, page.me_id, page.path_id(), name)
        else:
            await actions.do_add_reaction(page.roost.db, page.me_id, page.path_id(), name)
    except NotFound as exc:
        raise RoostError(page._("There is no such announcement."), status=404) from exc
    except Invalid as exc:
        raise RoostError(exc.message, status=422) from exc
    return _back(page, form)


def _admin(page: Page, *, status: int = 200, error: str = "", **context: Any) -> Response:
    context.setdefault("values", {})
    return render(page, "admin_announcements.html", status_code=status, error=error, **context)


def _why(exc: Invalid) -> str:
    return exc.message.removeprefix("Validation failed: ")


def _local(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%dT%H:%M")


@page_view(login=True)
async def admin_page(page: Page) -> Response:
    """GET /admin/announcements: every announcement, and a form to write one."""
    check_staff(page, "manage_announcements")
    return _admin(page, announcements=await all_announcements(page.roost.db))


@page_view(login=True)
async def edit_page(page: Page) -> Response:
    """GET /admin/announcements/{id}/edit"""
    check_staff(page, "manage_announcements")
    row = await announcement_row(page.roost.db, page.path_id())
    values = {"text": row.text, "starts_at": _local(row.starts_at),
              "ends_at": _local(row.ends_at), "all_day": row.all_day,
              "publish": row.published}  # fmt: skip
    return render(page, "admin_announcement_edit.html", values=values, id=row.id, error="")


def _change(page: Page, form: FormData) -> tuple[dict[str, Any], AnnouncementChange]:
    values: dict[str, Any] = {
        "text": form_str(page, form, "text", max_len=actions.MAX_TEXT + 100),
        "starts_at": form_str(page, form, "starts_at", max_len=40),
        "ends_at": form_str(page, form, "ends_at", max_len=40),
        "all_day": form.get("all_day") == "1",
        "publish": form.get("publish") == "1",
    }
    try:
        starts = datetime.fromisoformat(values["starts_at"]) if values["starts_at"] else None
        ends = datetime.fromisoformat(values["ends_at"]) if values["ends_at"] else None
    except ValueError as exc:
        raise Invalid(page._("Give dates and times as shown.")) from exc
    change = AnnouncementChange(
        text=values["text"],
        starts_at=starts.replace(tzinfo=None) if starts else None,
        ends_at=ends.replace(tzinfo=None) if ends else None,
        all_day=values["all_day"],
        publish=values["publish"],
    )
    return values, change


@form_view()
async def create(page: Page) -> Response:
    """POST /admin/announcements"""
    check_staff(page, "manage_announcements")
    form = await read_form(page)
    values: dict[str, Any] = {}
    try:
        values, change = _change(page, form)
        await actions.do_create_announcement(page.roost.db, page.base_url, change)
    except Invalid as exc:
        rows = await all_announcements(page.roost.db)
        return _admin(page, status=422, error=_why(exc), values=values, announcements=rows)
    return redirect("/admin/announcements")


@form_view()
async def edit_submit(page: Page) -> Response:
    """POST /admin/announcements/{id}/edit"""
    check_staff(page, "manage_announcements")
    announcement_id = page.path_id()
    form = await read_form(page)
    values: dict[str, Any] = {}
    try:
        values, change = _change(page, form)
        await actions.do_update_announcement(page.roost.db, page.base_url, announcement_id, change)
    except Invalid as exc:
        return render(page, "admin_announcement_edit.html", status_code=422,
                      values=values, id=announcement_id, error=_why(exc))  # fmt: skip
    return redirect("/admin/announcements")


@form_view()
async def delete(page: Page) -> Response:
    """POST /admin/announcements/{id}/delete"""
    check_staff(page, "manage_announcements")
    await read_form(page)
    await actions.do_delete_announcement(page.roost.db, page.path_id())
    return redirect("/admin/announcements")
