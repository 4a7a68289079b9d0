"""Settings → Export and Import: Mastodon's CSVs of follows, lists, blocks, mutes, domain
blocks and bookmarks to download, the archive of one's posts and media, and imports of
those CSVs with their progress."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.responses import Response, StreamingResponse

from roost.errors import Invalid, NotFound
from roost.portability.archive import archive_chunks, do_request_archive
from roost.portability.exports import KINDS, export_counts, export_csv
from roost.portability.imports import do_create_import
from roost.portability.parsing import FILE_SIZE_LIMIT, TYPES, ImportRefused
from roost.portability.queries import access_archive, access_import, archives_of, imports_of
from roost.web.render import (
    SECURITY_HEADERS,
    Page,
    form_str,
    form_view,
    page_view,
    parse_id,
    read_form,
    redirect,
    render,
)


@page_view(login=True)
async def export_page(page: Page) -> Response:
    """GET /settings/export"""
    db = page.roost.db
    return render(
        page,
        "settings_export.html",
        counts=await export_counts(db, page.me_id),
        archives=await archives_of(db, page.me_id),
        requested=page.request.query_params.get("requested") == "1",
        error="",
        section="export",
    )


@page_view(login=True)
async def export_file(page: Page) -> Response:
    """GET /settings/exports/{kind}.csv"""
    kind = str(page.request.path_params["kind"])
    if kind not in KINDS:
        raise NotFound()
    settings = page.roost.settings
    body = await export_csv(page.roost.db, page.me_id, kind, settings.domain, settings.base_url)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{kind}.csv"'},
    )


@form_view()
async def request_archive(page: Page) -> Response:
    """POST /settings/export/archive"""
    try:
        await do_request_archive(page.roost.db, page.me_id)
    except Invalid:
        db = page.roost.db
        return render(
            page,
            "settings_export.html",
            status_code=422,
            counts=await export_counts(db, page.me_id),
            archives=await archives_of(db, page.me_id),
            requested=False,
            error=page._("You can request an archive once every 6 days."),
            section="export",
        )
    return redirect("/settings/export?requested=1")


@page_view(login=True)
async def download_archive(page: Page) -> Response:
    """GET /settings/export/archives/{id}"""
    archive_id = parse_id(page.request.path_params["id"])
    if archive_id is None:
        raise NotFound()
    archive = await access_archive(page.roost.db, page.me_id, archive_id)
    if archive.file_key is None:
        raise NotFound()
    name = f"archive-{archive.created_at:%Y%m%d%H%M%S}-{archive.id}.zip"
    return StreamingResponse(
        archive_chunks(page.roost.media_storage, archive.file_key, archive.parts),
        media_type="application/zip",
        headers={
            **SECURITY_HEADERS,
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Length": str(archive.size),
        },
    )


def _type_labels(page: Page) -> dict[str, str]:
    return {
        "following": page._("Following list"),
        "blocking": page._("Blocking list"),
        "muting": page._("Muting list"),
        "domain_blocking": page._("Domain blocking list"),
        "bookmarks": page._("Bookmarks"),
        "lists": page._("Lists"),
    }


async def _import_page(page: Page, *, status: int = 200, error: str = "") -> Response:
    return render(
        page,
        "settings_import.html",
        status_code=status,
        error=error,
        types=_type_labels(page),
        imports=await imports_of(page.roost.db, page.me_id),
        section="import",
    )


@page_view(login=True)
async def import_page(page: Page) -> Response:
    """GET /settings/import"""
    return await _import_page(page)


@form_view()
async def import_submit(page: Page) -> Response:
    """POST /settings/import: the file is checked whole; nothing is imported if it is
    refused."""
    form = await read_form(page)
    kind = form_str(page, form, "type")
    mode = form_str(page, form, "mode", "merge")
    upload = form.get("data")
    if kind not in TYPES:
        return await _import_page(page, status=422, error=page._("Choose what to import."))
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _import_page(page, status=422, error=page._("Choose a file to import."))
    data = await upload.read(FILE_SIZE_LIMIT + 1)
    try:
        import_id = await do_create_import(
            page.roost.db, page.me_id, kind, data, overwrite=mode == "overwrite",
            filename=upload.filename,
        )  # fmt: skip
    except ImportRefused as exc:
        return await _import_page(
            page, status=422, error=page._("The file was not imported: %(why)s", why=exc.message)
        )
    return redirect(f"/settings/imports/{import_id}")


@page_view(login=True)
async def import_progress(page: Page) -> Response:
    """GET /settings/imports/{id}"""
    import_id = parse_id(page.request.path_params["id"])
    if import_id is None:
        raise NotFound()
    found = await access_import(page.roost.db, page.me_id, import_id)
    return render(
        page,
        "settings_import_progress.html",
        imp=found,
        types=_type_labels(page),
        section="import",
    )
