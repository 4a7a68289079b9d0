"""Settings: the profile (with avatar and header), the password, and preferences."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from roost.accounts.actions import (
    DEFAULT_PRIVACY,
    MAX_DISPLAY_NAME,
    MAX_FIELD_CHARS,
    MAX_FIELDS,
    MAX_NOTE,
    PROFILE_IMAGES,
    ProfileChanges,
    do_change_password,
    do_set_locale,
    do_update_credentials,
)
from roost.accounts.registration import ValidationFailed
from roost.errors import Invalid
from roost.web.i18n import LOCALES
from roost.web.render import Page, form_str, form_view, page_view, read_form, redirect, render
from roost.web.session import session_token, set_language
from roost.web.uploads import (
    MAX_UPLOAD,
    PreparedImage,
    StoredImage,
    prepare_profile_image,
    remove_profile_image,
    store_profile_image,
    with_images,
)
from roost.web.views.auth import field_errors


@page_view(login=True)
async def settings_index(page: Page) -> Response:
    """GET /settings"""
    return redirect("/settings/profile")


def _profile_form(
    page: Page, *, status: int = 200, error: str = "", saved: bool = False
) -> Response:
    assert page.me is not None
    fields = [(f.name, f.value) for f in page.me.source.fields]
    fields += [("", "")] * (MAX_FIELDS - len(fields))
    return render(
        page,
        "settings_profile.html",
        status_code=status,
        error=error,
        saved=saved,
        fields=fields,
        section="profile",
    )


@page_view(login=True)
async def profile_settings(page: Page) -> Response:
    """GET /settings/profile"""
    return _profile_form(page, saved=page.request.query_params.get("saved") == "1")


def _upload(form: FormData, name: str) -> UploadFile | None:
    value = form.get(name)
    if isinstance(value, UploadFile) and value.filename:
        return value
    return None


async def _prepare_image(page: Page, kind: str, upload: UploadFile) -> PreparedImage:
    """An uploaded avatar or header, decoded and checked; nothing is stored yet."""
    data = await upload.read(MAX_UPLOAD + 1)
    try:
        return await prepare_profile_image(kind, data)
    except Invalid as exc:
        raise Invalid(
            page._(
                "The image could not be used: use a PNG, JPEG, GIF or WebP file of at most 8 MB."
            )
        ) from exc


@form_view()
async def profile_settings_submit(page: Page) -> Response:
    """POST /settings/profile: name, bio, fields, locked, discoverable, indexable, avatar
    and header, all or nothing:
    every part is checked (both images decoded) before anything is stored."""
    assert page.me is not None
    form = await read_form(page)
    display_name = form_str(page, form, "display_name", max_len=1000).strip()
    note = form_str(page, form, "note", max_len=10_000)
    fields = [
        (
            form_str(page, form, f"field_name_{i}", max_len=1000),
            form_str(page, form, f"field_value_{i}", max_len=1000),
        )
        for i in range(MAX_FIELDS)
    ]
    error = ""
    if len(display_name) > MAX_DISPLAY_NAME:
        error = page._(
            "The display name is too long (at most %(n)s characters).", n=MAX_DISPLAY_NAME
        )
    elif len(note) > MAX_NOTE:
        error = page._("The bio is too long (at most %(n)s characters).", n=MAX_NOTE)
    elif any(
        len(n.strip()) > MAX_FIELD_CHARS or len(v.strip()) > MAX_FIELD_CHARS for n, v in fields
    ):
        error = page._("Each field has at most %(n)s characters.", n=MAX_FIELD_CHARS)
    if error:
        return _profile_form(page, status=422, error=error)
    images: dict[str, PreparedImage | None] = {}  # kind -> the new image, None to remove it
    try:
        for kind in PROFILE_IMAGES:
            upload = _upload(form, kind)
            if upload is not None:
                images[kind] = await _prepare_image(page, kind, upload)
            elif form.get(f"remove_{kind}") == "1":
                images[kind] = None
    except Invalid as exc:
        return _profile_form(
            page, status=422, error=exc.message.removeprefix("Validation failed: ")
        )
    storage = page.roost.media_storage
    stored: dict[str, StoredImage] = {}  # kind -> the new image ("" URLs: removed)
    try:
        for kind, image in images.items():
            stored[kind] = StoredImage("", "")
            if image is not None:
                stored[kind] = await store_profile_image(storage, page.me_id, image)
        changes = ProfileChanges(
            display_name=display_name,
            note=note,
            locked=form.get("locked") == "1",
            discoverable=form.get("discoverable") == "1",
            indexable=form.get("indexable") == "1",
            fields=fields,
        )
        await do_update_credentials(
            page.roost.db,
            page.me_id,
            with_images(changes, stored),
            base_url=page.base_url,
            domain=page.roost.settings.domain,
        )
    except Exception:
        for new in stored.values():  # the change was not saved: neither are its files
            await remove_profile_image(storage, new.url, new.static_url)
        raise
    for kind in stored:
        old = getattr(page.me, kind), getattr(page.me, f"{kind}_static")
        await remove_profile_image(storage, *old)
    return redirect("/settings/profile?saved=1")


def _account_form(
    page: Page, *, status: int = 200, errors: dict[str, str] | None = None, saved: bool = False
) -> Response:
    return render(
        page,
        "settings_account.html",
        status_code=status,
        errors=errors or {},
        saved=saved,
        section="account",
    )


@page_view(login=True)
async def account_settings(page: Page) -> Response:
    """GET /settings/account: change the password."""
    return _account_form(page, saved=page.request.query_params.get("saved") == "1")


@form_view()
async def password_submit(page: Page) -> Response:
    """POST /settings/account: check the current password, set the new one."""
    form = await read_form(page)
    current = form_str(page, form, "current_password", max_len=1000)
    new = form_str(page, form, "password", max_len=1000)
    if new != form_str(page, form, "password_confirmation", max_len=1000):
        errors = {"password_confirmation": page._("The two new passwords are not the same.")}
        return _account_form(page, status=422, errors=errors)
    try:
        # Other sessions and apps are signed out; this session stays signed in.
        keep = session_token(page.request)
        ended = await do_change_password(page.roost.db, page.me_id, current, new, keep_token=keep)
        for key in ended:
            page.roost.tokens.drop(key)
    except ValidationFailed as exc:
        return _account_form(page, status=422, errors=field_errors(page, exc))
    return redirect("/settings/account?saved=1")


@page_view(login=True)
async def preferences(page: Page) -> Response:
    """GET /settings/preferences: language and default post visibility."""
    return render(
        page,
        "settings_preferences.html",
        saved=page.request.query_params.get("saved") == "1",
        privacies=DEFAULT_PRIVACY,
        section="preferences",
    )


@form_view()
async def preferences_submit(page: Page) -> Response:
    """POST /settings/preferences"""
    form = await read_form(page)
    locale = form_str(page, form, "locale", max_len=10)
    privacy = form_str(page, form, "privacy", max_len=20)
    if locale not in LOCALES or privacy not in DEFAULT_PRIVACY:
        raise Invalid(page._("Choose one of the options offered."))
    await do_set_locale(page.roost.db, page.me_id, locale)
    await do_update_credentials(
        page.roost.db,
        page.me_id,
        ProfileChanges(privacy=privacy),
        base_url=page.base_url,
        domain=page.roost.settings.domain,
    )
    response = redirect("/settings/preferences?saved=1")
    set_language(page.request, response, locale)
    return response
